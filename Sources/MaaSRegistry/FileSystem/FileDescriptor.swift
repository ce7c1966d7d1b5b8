import Glibc

/// The one owner of an open file descriptor; `close()` is explicit because its error matters for writes.
///
/// Not `Sendable`: a descriptor belongs to one upload or one start-up scan at a time.
package final class FileDescriptor {
    package let path: String
    private var fd: Int32

    private init(fd: Int32, path: String) {
        self.fd = fd
        self.path = path
    }

    deinit {
        if fd >= 0 { _ = Glibc.close(fd) }
    }

    /// Creates a new file that must not exist yet (`O_EXCL`), for writing.
    package static func create(_ path: String, mode: mode_t = 0o644) throws(FileSystemError) -> FileDescriptor {
        try open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode: mode)
    }

    package static func openForReading(_ path: String) throws(FileSystemError) -> FileDescriptor {
        try open(path, O_RDONLY | O_CLOEXEC)
    }

    /// Opens a directory only so it can be fsynced (which makes its entries durable).
    package static func openDirectory(_ path: String) throws(FileSystemError) -> FileDescriptor {
        try open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
    }

    package static func open(_ path: String, _ flags: Int32, mode: mode_t = 0) throws(FileSystemError) -> FileDescriptor {
        while true {
            let fd = Glibc.open(path, flags, mode)
            if fd >= 0 { return FileDescriptor(fd: fd, path: path) }
            if currentErrno() != EINTR { throw .last("open", path) }
        }
    }

    /// The raw descriptor, for calls this type does not wrap (flock).
    package var rawValue: Int32 { fd }

    /// Writes every byte, retrying short writes and EINTR.
    package func writeAll(_ bytes: [UInt8]) throws(FileSystemError) {
        let failure: Int32? = bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let n = Glibc.write(fd, buffer.baseAddress! + offset, buffer.count - offset)
                if n < 0 {
                    if currentErrno() == EINTR { continue }
                    return currentErrno()
                }
                offset += n
            }
            return nil
        }
        if let failure { throw FileSystemError("write", path, errno: failure) }
    }

    /// Reads the whole file, refusing one larger than `limit` before allocating for it.
    package func readAll(limit: Int) throws(FileSystemError) -> [UInt8] {
        let size = try self.size()
        guard size <= UInt64(limit) else { throw FileSystemError("read", path, errno: EFBIG) }
        var bytes = [UInt8](repeating: 0, count: Int(size))
        var offset = 0
        let failure: Int32? = bytes.withUnsafeMutableBytes { buffer in
            while offset < buffer.count {
                let n = Glibc.read(fd, buffer.baseAddress! + offset, buffer.count - offset)
                if n < 0 {
                    if currentErrno() == EINTR { continue }
                    return currentErrno()
                }
                if n == 0 { break }  // shrank under us: return what is there
                offset += n
            }
            return nil
        }
        if let failure { throw FileSystemError("read", path, errno: failure) }
        return Array(bytes.prefix(offset))
    }

    package func size() throws(FileSystemError) -> UInt64 {
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw .last("fstat", path) }
        return UInt64(info.st_size)
    }

    package func sync() throws(FileSystemError) {
        while fsync(fd) != 0 {
            if currentErrno() != EINTR { throw .last("fsync", path) }
        }
    }

    /// Closes once; a failing close after writes can mean lost data (NFS, quota), so it is reported.
    package func close() throws(FileSystemError) {
        guard fd >= 0 else { return }
        let result = Glibc.close(fd)
        fd = -1
        // Linux releases the descriptor even when close fails, so there is nothing to retry.
        if result != 0 && currentErrno() != EINTR { throw .last("close", path) }
    }
}
