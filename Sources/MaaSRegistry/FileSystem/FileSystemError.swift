import Glibc

/// A failed system call on a registry path: which call, on which path, and the C error number.
///
/// Kept separate from `RPCError` because these details (paths, errno) belong in the server log; the
/// registry turns them into a client-facing status at its public boundary (`rpcError(while:)`).
package struct FileSystemError: Error, Sendable, Equatable, CustomStringConvertible {
    package var operation: String
    package var path: String
    package var errno: Int32

    package init(_ operation: String, _ path: String, errno: Int32) {
        self.operation = operation
        self.path = path
        self.errno = errno
    }

    /// Captures the calling thread's `errno` right after a failed call.
    package static func last(_ operation: String, _ path: String) -> FileSystemError {
        FileSystemError(operation, path, errno: currentErrno())
    }

    package var reason: String { String(cString: strerror(errno)) }

    package var description: String { "\(operation) '\(path)' failed: \(reason) (errno \(errno))" }

    /// The disk or quota is full: the client can retry later, so this is not an INTERNAL fault.
    package var isOutOfSpace: Bool { errno == ENOSPC || errno == EDQUOT }
}

/// `errno` read through a function so call sites read as the C idiom they mirror.
@inline(__always)
package func currentErrno() -> Int32 {
    errno
}
