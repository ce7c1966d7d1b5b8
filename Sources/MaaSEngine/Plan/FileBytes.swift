import Glibc

/// Whole-file reads without Foundation.
package enum FileBytes {
    package static func read(_ path: String, limit: Int) throws(EngineError) -> [UInt8] {
        let fd = Glibc.open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw SystemError.engineError("cannot open '\(path)'") }
        defer { Glibc.close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw SystemError.engineError("cannot stat '\(path)'") }
        guard (info.st_mode & S_IFMT) == S_IFREG else { throw EngineError.invalidModel("'\(path)' is not a regular file") }
        let size = Int(info.st_size)
        guard size <= limit else { throw EngineError.invalidModel("'\(path)' is \(size) bytes, more than the \(limit) allowed") }
        var bytes = [UInt8](repeating: 0, count: size)
        var done = 0
        var failure: EngineError? = nil
        bytes.withUnsafeMutableBytes { raw in
            while done < size {
                let result = Glibc.read(fd, raw.baseAddress! + done, size - done)
                if result < 0 && errno == EINTR { continue }
                if result < 0 {
                    failure = SystemError.engineError("cannot read '\(path)'")
                    return
                }
                if result == 0 { break }
                done += result
            }
        }
        if let failure { throw failure }
        return Array(bytes[..<done])
    }

    /// The first `count` bytes of a file (fewer if it is shorter).
    package static func prefix(_ path: String, count: Int) throws(EngineError) -> [UInt8] {
        let fd = Glibc.open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw SystemError.engineError("cannot open '\(path)'") }
        defer { Glibc.close(fd) }
        var bytes = [UInt8](repeating: 0, count: count)
        let result = bytes.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress!, count) }
        guard result >= 0 else { throw SystemError.engineError("cannot read '\(path)'") }
        return Array(bytes[..<result])
    }
}
