import Glibc

/// The handful of directory operations the registry needs, as thin wrappers over POSIX calls.
///
/// Written against Glibc rather than Foundation's FileManager so that every durability step
/// (which call, which fsync, on which directory) is visible at the call site.
package enum FileSystem {
    /// Creates a directory; returns false if it already existed (as a directory).
    @discardableResult
    package static func makeDirectory(_ path: String, mode: mode_t = 0o755) throws(FileSystemError) -> Bool {
        if mkdir(path, mode) == 0 { return true }
        let error = FileSystemError.last("mkdir", path)
        if error.errno == EEXIST, kind(of: path) == .directory { return false }
        throw error
    }

    /// Creates `path` and any missing parents, fsyncing each parent that gained an entry.
    package static func makeDirectories(_ path: String) throws(FileSystemError) {
        let absolute = path.hasPrefix("/")
        var current = absolute ? "" : "."
        for component in path.split(separator: "/", omittingEmptySubsequences: true) where component != "." {
            let parent = current.isEmpty ? "/" : current
            current += "/" + component
            if try makeDirectory(current) {
                try syncDirectory(parent)
            }
        }
    }

    /// The absolute, symlink-free form of an existing path.
    package static func canonicalPath(_ path: String) throws(FileSystemError) -> String {
        guard let resolved = realpath(path, nil) else { throw .last("realpath", path) }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    /// Makes the directory's entries (creations, renames, removals) durable.
    package static func syncDirectory(_ path: String) throws(FileSystemError) {
        let directory = try FileDescriptor.openDirectory(path)
        try directory.sync()
        try directory.close()
    }

    /// Atomically moves `source` to `destination` (same filesystem); a non-empty directory at the
    /// destination makes it fail instead of being replaced.
    package static func rename(_ source: String, to destination: String) throws(FileSystemError) {
        guard Glibc.rename(source, destination) == 0 else {
            throw .last("rename to '\(destination)' of", source)
        }
    }

    package enum Kind: Equatable {
        case missing, file, directory, other
    }

    /// What is at `path`, without following a final symlink.
    package static func kind(of path: String) -> Kind {
        var info = stat()
        guard lstat(path, &info) == 0 else { return .missing }
        switch info.st_mode & S_IFMT {
        case S_IFREG: return .file
        case S_IFDIR: return .directory
        default: return .other
        }
    }

    /// Size of a regular file, or nil if it is missing or not a regular file.
    package static func fileSize(_ path: String) -> UInt64? {
        var info = stat()
        guard lstat(path, &info) == 0, info.st_mode & S_IFMT == S_IFREG else { return nil }
        return UInt64(info.st_size)
    }

    /// Entry names of a directory, without `.` and `..`, in no particular order.
    package static func contents(of path: String) throws(FileSystemError) -> [String] {
        guard let directory = opendir(path) else { throw .last("opendir", path) }
        defer { closedir(directory) }
        var names: [String] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }

    /// Removes a file or a whole directory tree; symlinks are removed, never followed.
    package static func removeTree(_ path: String) throws(FileSystemError) {
        switch kind(of: path) {
        case .missing:
            return
        case .directory:
            for name in try contents(of: path) {
                try removeTree(path + "/" + name)
            }
            guard rmdir(path) == 0 else { throw .last("rmdir", path) }
        case .file, .other:
            guard unlink(path) == 0 || currentErrno() == ENOENT else { throw .last("unlink", path) }
        }
    }

    /// Writes a small file in one go and fsyncs it before closing; the file must not exist yet.
    package static func writeDurably(_ bytes: [UInt8], to path: String) throws(FileSystemError) {
        let file = try FileDescriptor.create(path)
        try file.writeAll(bytes)
        try file.sync()
        try file.close()
    }

    /// Fsyncs an existing regular file (opened read-only: Linux flushes the inode's dirty pages either way).
    package static func syncFile(_ path: String) throws(FileSystemError) {
        let file = try FileDescriptor.openForReading(path)
        try file.sync()
        try file.close()
    }
}
