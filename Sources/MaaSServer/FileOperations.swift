#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A file operation that failed; a server-side problem, so its details go to the log, not to the client.
struct FileOperationError: Error, CustomStringConvertible {
    let description: String
}

/// The few file operations the server does itself (the registry owns everything else on disk).
enum FileOperations {
    /// Up to `count` bytes from the start of a file.
    static func readPrefix(of path: String, count: Int) throws(FileOperationError) -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw failure("cannot open", path) }
        defer { close(fd) }
        var bytes = [UInt8](repeating: 0, count: count)
        var filled = 0
        while filled < count {
            let n = bytes.withUnsafeMutableBytes { read(fd, $0.baseAddress! + filled, count - filled) }
            if n < 0 && errno == EINTR { continue }
            guard n >= 0 else { throw failure("cannot read", path) }
            if n == 0 { break }
            filled += n
        }
        return Array(bytes.prefix(filled))
    }

    /// Makes `destination` hold the same bytes as `source`: a hard link (both files are immutable once
    /// committed), or a copy where the file system refuses links.
    static func linkOrCopy(_ source: String, to destination: String) throws(FileOperationError) {
        if link(source, destination) == 0 { return }
        let input = open(source, O_RDONLY | O_CLOEXEC)
        guard input >= 0 else { throw FileOperationError(description: "cannot open \(source): \(describeErrno())") }
        defer { close(input) }
        let output = open(destination, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard output >= 0 else { throw FileOperationError(description: "cannot create \(destination): \(describeErrno())") }
        defer { close(output) }
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let n = buffer.withUnsafeMutableBytes { read(input, $0.baseAddress!, $0.count) }
            if n < 0 && errno == EINTR { continue }
            guard n >= 0 else { throw FileOperationError(description: "cannot read \(source): \(describeErrno())") }
            if n == 0 { return }
            var written = 0
            while written < n {
                let m = buffer.withUnsafeBytes { write(output, $0.baseAddress! + written, n - written) }
                if m < 0 && errno == EINTR { continue }
                guard m > 0 else { throw FileOperationError(description: "cannot write \(destination): \(describeErrno())") }
                written += m
            }
        }
    }

    private static func failure(_ what: String, _ path: String) -> FileOperationError {
        FileOperationError(description: "\(what) \(path): \(describeErrno())")
    }

    private static func describeErrno() -> String {
        String(cString: strerror(errno))
    }
}
