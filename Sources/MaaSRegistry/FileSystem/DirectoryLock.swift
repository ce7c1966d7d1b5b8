import Glibc

/// An exclusive `flock` on `<dir>/LOCK`, held for the lifetime of one registry.
///
/// flock (not fcntl) because its lock belongs to the open file description: a second registry in the
/// same process conflicts just as a second server process does, and the kernel drops the lock when the
/// holder dies, so a crashed server never leaves a stale lock behind.
package final class DirectoryLock: Sendable {
    package let path: String
    private let fd: Int32

    package enum Failure: Error, Equatable {
        /// Another holder has the lock.
        case held(path: String, holder: String?)
        case system(FileSystemError)
    }

    package init(path: String) throws(Failure) {
        let fd = Glibc.open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw .system(.last("open", path)) }
        while flock(fd, LOCK_EX | LOCK_NB) != 0 {
            let error = FileSystemError.last("flock", path)
            if error.errno == EINTR { continue }
            let holder = error.errno == EWOULDBLOCK ? Self.recordedHolder(fd: fd) : nil
            Glibc.close(fd)
            throw error.errno == EWOULDBLOCK ? .held(path: path, holder: holder) : .system(error)
        }
        self.fd = fd
        self.path = path
        // Only a hint for the person reading the refusal message; the flock is what protects.
        let note = Array("pid \(getpid())\n".utf8)
        if ftruncate(fd, 0) == 0 {
            _ = note.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, 0) }
        }
    }

    deinit {
        // Closing the descriptor releases the flock.
        Glibc.close(fd)
    }

    private static func recordedHolder(fd: Int32) -> String? {
        var buffer = [UInt8](repeating: 0, count: 64)
        let n = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, 0) }
        guard n > 0 else { return nil }
        let text = String(decoding: buffer.prefix(n), as: UTF8.self)
        let line = text.split(separator: "\n").first.map(String.init)
        return line?.hasPrefix("pid ") == true ? line : nil
    }
}
