/// ONNX Slice index arithmetic for one axis, shared by compile-time folding and the dim program.
package enum SliceArithmetic {
    /// Effective first index: negative counts from the end; clamped to [0, dim] (step > 0) or [0, dim-1] (step < 0).
    package static func start(dim: Int, start: Int, step: Int) -> Int {
        let s = start < 0 ? start &+ dim : start
        return step > 0 ? clamp(s, 0, dim) : clamp(s, 0, dim - 1)
    }

    /// Effective end, exclusive: clamped to [0, dim] (step > 0) or [-1, dim-1] (step < 0).
    package static func end(dim: Int, end: Int, step: Int) -> Int {
        let e = end < 0 ? end &+ dim : end
        return step > 0 ? clamp(e, 0, dim) : clamp(e, -1, dim - 1)
    }

    package static func count(dim: Int, start: Int, end: Int, step: Int) -> Int {
        guard step != 0, dim > 0 else { return 0 }
        let s = Self.start(dim: dim, start: start, step: step)
        let e = Self.end(dim: dim, end: end, step: step)
        // Written as (distance - 1) / |step| + 1 so that a huge step cannot overflow.
        if step > 0 { return e > s ? (e - s - 1) / step + 1 : 0 }
        guard s > e else { return 0 }
        return step == Int.min ? 1 : (s - e - 1) / (-step) + 1
    }

    private static func clamp(_ value: Int, _ low: Int, _ high: Int) -> Int {
        Swift.min(Swift.max(value, low), high)
    }
}
