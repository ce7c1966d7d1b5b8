import MaaSEngine

/// Joining requests' tensors along a batch axis and splitting a batched result back, for row-major tensors.
///
/// For an axis `a` of shape `S`, a tensor is `outer = S[0..<a]` blocks, each holding `S[a]` rows of
/// `inner = S[a+1...]` values; joining interleaves each part's rows block by block. Nothing else in the
/// tensors moves, so a model whose rows are independent computes the same values batched as alone.
enum BatchTensors {
    /// `parts` joined along `axis`; every part must have the same element type and the same dims elsewhere.
    static func join(_ parts: [HostTensor], axis: Int) -> HostTensor {
        precondition(!parts.isEmpty)
        let first = parts[0]
        let outer = first.shape[..<axis].reduce(1, *)
        let inner = first.shape[(axis + 1)...].reduce(1, *)
        var shape = first.shape
        shape[axis] = parts.reduce(0) { $0 + $1.shape[axis] }
        switch first.storage {
        case .float32:
            return HostTensor(shape: shape, floats: interleave(parts.map { $0.floats ?? [] }, rows: parts.map { $0.shape[axis] }, outer: outer, inner: inner))
        case .int64:
            let values = parts.map { part -> [Int64] in
                if case .int64(let v) = part.storage { return v }
                return []
            }
            return HostTensor(shape: shape, int64s: interleave(values, rows: parts.map { $0.shape[axis] }, outer: outer, inner: inner))
        }
    }

    /// `tensor` cut along `axis` into pieces of `rows[i]` rows each (`rows` sums to `tensor.shape[axis]`).
    static func split(_ tensor: HostTensor, axis: Int, rows: [Int]) -> [HostTensor] {
        let outer = tensor.shape[..<axis].reduce(1, *)
        let inner = tensor.shape[(axis + 1)...].reduce(1, *)
        let total = tensor.shape[axis]
        var offsets: [Int] = []
        var running = 0
        for count in rows {
            offsets.append(running)
            running += count
        }
        precondition(running == total)
        return rows.indices.map { index in
            var shape = tensor.shape
            shape[axis] = rows[index]
            switch tensor.storage {
            case .float32(let values):
                return HostTensor(shape: shape, floats: slice(values, outer: outer, inner: inner, total: total, start: offsets[index], count: rows[index]))
            case .int64(let values):
                return HostTensor(shape: shape, int64s: slice(values, outer: outer, inner: inner, total: total, start: offsets[index], count: rows[index]))
            }
        }
    }

    private static func interleave<T: BitwiseCopyable>(_ parts: [[T]], rows: [Int], outer: Int, inner: Int) -> [T] {
        let total = rows.reduce(0, +)
        return [T](unsafeUninitializedCapacity: outer * total * inner) { buffer, count in
            var target = 0
            for block in 0..<outer {
                for (part, values) in parts.enumerated() {
                    let length = rows[part] * inner
                    guard length > 0 else { continue }
                    values.withUnsafeBufferPointer { source in
                        let from = source.baseAddress! + block * length
                        (buffer.baseAddress! + target).initialize(from: from, count: length)
                    }
                    target += length
                }
            }
            count = target
        }
    }

    private static func slice<T: BitwiseCopyable>(_ values: [T], outer: Int, inner: Int, total: Int, start: Int, count rows: Int) -> [T] {
        let length = rows * inner
        guard length > 0, outer > 0 else { return [] }
        return [T](unsafeUninitializedCapacity: outer * length) { buffer, count in
            values.withUnsafeBufferPointer { source in
                for block in 0..<outer {
                    let from = source.baseAddress! + (block * total + start) * inner
                    (buffer.baseAddress! + block * length).initialize(from: from, count: length)
                }
            }
            count = outer * length
        }
    }
}
