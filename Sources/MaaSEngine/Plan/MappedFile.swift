import Glibc
import ProtoWire

/// Read-only bytes of a file: a private read-only mapping (so a plan's weights are paged in on use and shared
/// through the page cache, and an ONNX model is decoded in place, never copied), or an aligned heap copy for
/// plans that never touched disk. Exactly one owner unmaps or frees them.
///
/// A mapped file must not shrink while mapped (reading a page past the new end raises SIGBUS). Registry files
/// are written once and never truncated afterwards (only renamed or unlinked, which leaves a mapping intact):
/// that is what makes mapping them safe. Lengths declared inside the file cannot cause reads past the mapping:
/// every decoder checks them against `count`.
package final class MappedFile: ProtoReader.ByteOwner, @unchecked Sendable {
    // @unchecked: the bytes are immutable after init and released only in deinit.
    package let base: UnsafeRawPointer
    package let count: Int
    private let isMapping: Bool

    /// Maps `path` read-only; a file larger than `maxSize` bytes is refused before it is mapped.
    package init(path: String, maxSize: Int = .max) throws(EngineError) {
        let fd = Glibc.open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw SystemError.engineError("cannot open '\(path)'") }
        defer { Glibc.close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw SystemError.engineError("cannot stat '\(path)'") }
        guard (info.st_mode & S_IFMT) == S_IFREG else { throw EngineError.invalidModel("'\(path)' is not a regular file") }
        let size = Int(info.st_size)
        guard size > 0 else { throw EngineError.invalidModel("'\(path)' is empty") }
        guard size <= maxSize else { throw EngineError.invalidModel("'\(path)' is \(size) bytes, more than the \(maxSize) allowed") }
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

    private static let pageSize = Int(sysconf(Int32(_SC_PAGESIZE)))

    /// Lets the kernel drop the resident pages under `region` (the whole pages it touches, inside this mapping)
    /// from this process, once they have been used: a weight copied from an ONNX mapping to a plan file then
    /// stops counting in the process's memory. Reading them again later simply faults them back in from the
    /// file: the mapping is private and read-only, so no page of it holds anything the file does not.
    /// Does nothing for a heap copy or a region outside the mapping.
    package func evict(_ region: UnsafeRawBufferPointer) {
        guard isMapping, let start = region.baseAddress, region.count > 0 else { return }
        let mappingStart = Int(bitPattern: base)
        let mappingEnd = mappingStart + (count + Self.pageSize - 1) / Self.pageSize * Self.pageSize
        let lower = max(Int(bitPattern: start), mappingStart) / Self.pageSize * Self.pageSize
        let upper = min(Int(bitPattern: start) + region.count, mappingEnd)
        guard lower < upper, let address = UnsafeMutableRawPointer(bitPattern: lower) else { return }
        let length = (upper - lower + Self.pageSize - 1) / Self.pageSize * Self.pageSize
        // Advice only: if the kernel refuses, the pages merely stay resident.
        _ = madvise(address, length, MADV_DONTNEED)
    }
}
