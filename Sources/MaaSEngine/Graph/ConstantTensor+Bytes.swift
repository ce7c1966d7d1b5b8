/// A constant's bytes as the weight section stores them (little-endian float32 or int64), produced from
/// wherever the values are kept, a chunk at a time.
extension ConstantTensor {
    /// About how many bytes `forEachChunk` hands over at once: big enough for few system calls, small
    /// enough that a chunk of a mapped weight or of a computed one costs little memory.
    package static let chunkBytes = 8 << 20

    /// Calls `body` with the whole constant's bytes. Values kept elsewhere than in an array or the model's
    /// bytes are computed into a temporary buffer first.
    package func withRawBytes<R>(_ body: (UnsafeRawBufferPointer) -> R) -> R {
        switch storage {
        case .floats(let values): return values.withUnsafeBytes(body)
        case .ints(let values): return values.withUnsafeBytes(body)
        case .floatBytes(let bytes): return bytes.withUnsafeBytes(body)
        case .derived(let derived):
            let buffer = UnsafeMutablePointer<Float>.allocate(capacity: max(derived.count, 1))
            defer { buffer.deallocate() }
            derived.write(0..<derived.count, into: buffer)
            return body(UnsafeRawBufferPointer(start: buffer, count: derived.count * 4))
        }
    }

    /// Calls `body` with an aligned pointer to the float values (a copy only when the bytes in the model are
    /// not 4-byte aligned, or the values are derived). Only for float constants.
    package func withFloatPointer<R>(_ body: (UnsafePointer<Float>) -> R) -> R {
        precondition(holdsFloats, "withFloatPointer on an integer constant")
        if case .floats(let values) = storage {
            return values.withUnsafeBufferPointer { buffer in
                var empty: Float = 0
                return buffer.baseAddress.map(body) ?? body(&empty)
            }
        }
        return withRawBytes { raw in
            if let base = raw.baseAddress, Int(bitPattern: base) % MemoryLayout<Float>.alignment == 0 {
                return body(base.assumingMemoryBound(to: Float.self))
            }
            let copy = UnsafeMutableRawPointer.allocate(byteCount: max(raw.count, 4), alignment: MemoryLayout<Float>.alignment)
            defer { copy.deallocate() }
            if let base = raw.baseAddress { copy.copyMemory(from: base, byteCount: raw.count) }
            // The copy is what gets read from now on: the mapped pages need not stay resident beside it.
            evictMappedPages()
            return body(UnsafePointer(copy.assumingMemoryBound(to: Float.self)))
        }
    }

    /// Writes the `byteCount` bytes to `destination`.
    package func write(into destination: UnsafeMutableRawPointer) {
        var written = 0
        forEachChunk { chunk in
            if let base = chunk.baseAddress { (destination + written).copyMemory(from: base, byteCount: chunk.count) }
            written += chunk.count
            return true
        }
    }

    /// Hands the `byteCount` bytes to `consume` in order, in chunks of about `chunkBytes`, and lets go of
    /// mapped model pages as soon as they have been used: a weight going from an ONNX mapping to a plan file
    /// never makes the whole mapping resident. Stops at the first chunk `consume` refuses (returns false).
    ///
    /// Eviction covers everything read so far, not just the last chunk: the kernel maps a large page-cache
    /// folio whole when one of its pages is touched, so reading the next chunk can map pages of an earlier
    /// one again. Advising over a range with nothing mapped costs next to nothing.
    @discardableResult
    package func forEachChunk(chunkBytes: Int = ConstantTensor.chunkBytes, _ consume: (UnsafeRawBufferPointer) -> Bool) -> Bool {
        let size = max(chunkBytes, 1)
        switch storage {
        case .floats(let values):
            return values.withUnsafeBytes { Self.chunks(of: $0, size: size, consume) }
        case .ints(let values):
            return values.withUnsafeBytes { Self.chunks(of: $0, size: size, consume) }
        case .floatBytes(let bytes):
            let file = bytes.owner as? MappedFile
            return bytes.withUnsafeBytes { raw in
                Self.chunks(of: raw, size: size) { chunk in
                    defer { file?.evict(UnsafeRawBufferPointer(start: raw.baseAddress, count: chunk.baseAddress! + chunk.count - raw.baseAddress!)) }
                    return consume(chunk)
                }
            }
        case .derived(let derived):
            return Self.chunks(of: derived, size: size, consume)
        }
    }

    /// Lets go of the mapped model pages this constant's values live in (and those its recipe reads).
    package func evictMappedPages() {
        switch storage {
        case .floats, .ints: break
        case .floatBytes(let bytes):
            guard let file = bytes.owner as? MappedFile else { return }
            bytes.withUnsafeBytes { file.evict($0) }
        case .derived(let derived):
            for source in derived.sources { source?.evictMappedPages() }
        }
    }

    /// Lets go of the mapped pages under `bytes` (offsets in this constant's bytes), if its values are mapped.
    package func evictMappedPages(bytes range: Range<Int>) {
        guard case .floatBytes(let bytes) = storage, let file = bytes.owner as? MappedFile else { return }
        bytes.withUnsafeBytes { raw in
            let clamped = range.clamped(to: 0..<raw.count)
            file.evict(UnsafeRawBufferPointer(rebasing: raw[clamped]))
        }
    }

    private static func chunks(
        of raw: UnsafeRawBufferPointer, size: Int, _ consume: (UnsafeRawBufferPointer) -> Bool
    ) -> Bool {
        var start = 0
        while start < raw.count {
            let end = min(start + size, raw.count)
            guard consume(UnsafeRawBufferPointer(rebasing: raw[start..<end])) else { return false }
            start = end
        }
        return true
    }

    /// Computes `derived` a chunk of whole granules at a time into one reused buffer.
    private static func chunks(
        of derived: DerivedFloats, size: Int, _ consume: (UnsafeRawBufferPointer) -> Bool
    ) -> Bool {
        let granule = derived.granule
        let perChunk = max(1, max(size, derived.preferredChunkBytes) / 4 / granule) * granule
        let capacity = min(perChunk, derived.count)
        guard capacity > 0 else { return true }
        let buffer = UnsafeMutablePointer<Float>.allocate(capacity: capacity)
        defer { buffer.deallocate() }
        var start = 0
        while start < derived.count {
            let end = min(start + perChunk, derived.count)
            derived.write(start..<end, into: buffer)
            guard consume(UnsafeRawBufferPointer(start: buffer, count: (end - start) * 4)) else { return false }
            start = end
        }
        return true
    }
}
