import Glibc

/// Read-only bytes of a plan: a private read-only mapping of a file (so the weights are paged in on use and
/// shared through the page cache, never copied), or an aligned heap copy for plans that never touched disk.
/// Exactly one owner unmaps or frees them. A mapped file must not shrink while mapped (reading a page past the
/// new end raises SIGBUS); registry versions are written once and never modified, which is what makes mapping safe.
package final class MappedFile: @unchecked Sendable {
    // @unchecked: the bytes are immutable after init and released only in deinit.
    package let base: UnsafeRawPointer
    package let count: Int
    private let isMapping: Bool

    /// Maps `path` read-only.
    package init(path: String) throws(EngineError) {
        let fd = Glibc.open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw SystemError.engineError("cannot open '\(path)'") }
        defer { Glibc.close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw SystemError.engineError("cannot stat '\(path)'") }
        guard (info.st_mode & S_IFMT) == S_IFREG else { throw EngineError.invalidModel("'\(path)' is not a regular file") }
        let size = Int(info.st_size)
        guard size > 0 else { throw EngineError.invalidModel("'\(path)' is empty") }
        guard let address = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0), address != MAP_FAILED else {
            throw SystemError.engineError("cannot map '\(path)'")
        }
        base = UnsafeRawPointer(address)
        count = size
        isMapping = true
    }

    /// An aligned heap copy of `bytes` (tests, and plans held in memory).
    package init(copying bytes: [UInt8]) {
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: max(bytes.count, 1), alignment: PlanFileLayout.alignment)
        bytes.withUnsafeBytes { if let source = $0.baseAddress { buffer.copyMemory(from: source, byteCount: $0.count) } }
        base = UnsafeRawPointer(buffer)
        count = bytes.count
        isMapping = false
    }

    deinit {
        if isMapping {
            munmap(UnsafeMutableRawPointer(mutating: base), count)
        } else {
            UnsafeMutableRawPointer(mutating: base).deallocate()
        }
    }

    package var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: base, count: count) }
}
