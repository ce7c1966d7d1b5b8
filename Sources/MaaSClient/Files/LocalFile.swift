#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A file opened by path with one owner that closes it. Plain POSIX calls so the client reads a large model
/// in fixed-size chunks (memory stays flat) and reports failures with the path and the system's reason.
package final class LocalFile {
    package let path: String
    private let descriptor: Int32

    package struct Failure: Error, Sendable, Equatable, CustomStringConvertible {
        package var path: String
        package var operation: String
        package var reason: String
        package var description: String { "cannot \(operation) '\(path)': \(reason)" }
    }

    private init(path: String, descriptor: Int32) {
        self.path = path
        self.descriptor = descriptor
    }

    deinit { close(descriptor) }

    package static func openForReading(_ path: String) throws(Failure) -> LocalFile {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw Failure(path: path, operation: "open", reason: Self.lastError()) }
        let file = LocalFile(path: path, descriptor: fd)
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw Failure(path: path, operation: "stat", reason: Self.lastError()) }
        guard (info.st_mode & S_IFMT) == S_IFREG else {
            throw Failure(path: path, operation: "read", reason: "not a regular file")
        }
        return file
    }

    /// Creates or truncates `path` for writing (mode 0644).
    package static func create(_ path: String) throws(Failure) -> LocalFile {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw Failure(path: path, operation: "create", reason: Self.lastError()) }
        return LocalFile(path: path, descriptor: fd)
    }

    package func size() throws(Failure) -> UInt64 {
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { throw Failure(path: path, operation: "stat", reason: Self.lastError()) }
        return UInt64(info.st_size)
    }

    /// Up to `maxCount` bytes from the current position; empty at end of file.
    package func read(upTo maxCount: Int) throws(Failure) -> [UInt8] {
        var buffer = [UInt8](repeating: 0, count: maxCount)
        var filled = 0
        while filled < maxCount {
            let n = buffer.withUnsafeMutableBytes { raw in
                Glibc.read(descriptor, raw.baseAddress! + filled, maxCount - filled)
            }
            if n < 0 {
                if errno == EINTR { continue }
                throw Failure(path: path, operation: "read", reason: Self.lastError())
            }
            if n == 0 { break }
            filled += n
        }
        buffer.removeLast(maxCount - filled)
        return buffer
    }

    /// The whole file, refusing files larger than `limit` before reading them.
    package func readAll(limit: UInt64) throws(Failure) -> [UInt8] {
        let size = try size()
        guard size <= limit else {
            throw Failure(path: path, operation: "read", reason: "file is \(size) bytes; the limit is \(limit)")
        }
        return try read(upTo: Int(size))
    }

    package func write(_ bytes: [UInt8]) throws(Failure) {
        var written = 0
        while written < bytes.count {
            let n = bytes.withUnsafeBytes { raw in
                Glibc.write(descriptor, raw.baseAddress! + written, bytes.count - written)
            }
            if n < 0 {
                if errno == EINTR { continue }
                throw Failure(path: path, operation: "write", reason: Self.lastError())
            }
            written += n
        }
    }

    private static func lastError() -> String { String(cString: strerror(errno)) }
}
