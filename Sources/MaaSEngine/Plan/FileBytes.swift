import Glibc

/// Small file reads without Foundation (models themselves are mapped: see `MappedFile`).
package enum FileBytes {
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
