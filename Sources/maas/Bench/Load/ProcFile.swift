#if canImport(Glibc)
import Glibc
#endif

/// Reads small kernel-generated text files (/proc). Their size is not known in advance (stat says 0), so they
/// are read to the end, up to a limit: a huge /proc/net/tcp on a busy host is cut rather than exhausting memory.
enum ProcFile {
    static func read(_ path: String, limit: Int = 16 << 20) -> String? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 << 10)
        while bytes.count < limit {
            let n = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if n < 0, errno == EINTR { continue }
            if n < 0 { return nil }
            if n == 0 { break }
            bytes.append(contentsOf: chunk[0..<min(n, limit - bytes.count)])
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
