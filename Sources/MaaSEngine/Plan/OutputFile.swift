import Glibc

/// A file being written from start to end: created or truncated, written in full (retrying short writes and
/// EINTR), fsynced and closed by `finish`. Errors come back as values so callers can write from inside
/// non-throwing closures (`withUnsafeBytes`); the first one is the one reported.
package final class OutputFile {
    private var fd: Int32
    private let path: String

    package init(creating path: String) throws(EngineError) {
        fd = Glibc.open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw SystemError.engineError("cannot create '\(path)'") }
        self.path = path
    }

    deinit {
        if fd >= 0 { Glibc.close(fd) }
    }

    /// Appends `bytes`; returns the error if the system refuses.
    package func write(_ bytes: UnsafeRawBufferPointer) -> EngineError? {
        guard let base = bytes.baseAddress else { return nil }
        var written = 0
        while written < bytes.count {
            let result = Glibc.write(fd, base + written, bytes.count - written)
            if result < 0 {
                if errno == EINTR { continue }
                return SystemError.engineError("cannot write '\(path)'")
            }
            if result == 0 { return EngineError.internalError("cannot write '\(path)': the system accepted no bytes") }
            written += result
        }
        return nil
    }

    /// Fsyncs and closes the file; returns the first error.
    package func finish() -> EngineError? {
        var failure: EngineError? = nil
        if fsync(fd) != 0 { failure = SystemError.engineError("cannot fsync '\(path)'") }
        if Glibc.close(fd) != 0, failure == nil { failure = SystemError.engineError("cannot close '\(path)'") }
        fd = -1
        return failure
    }
}
