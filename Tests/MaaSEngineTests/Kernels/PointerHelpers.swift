/// Lends optional arrays to kernels as optional pointers (nil when the array is nil or empty).
func withOptionalPointers<A, B, C, Result>(
    _ a: [A]?, _ b: [B]?, _ c: [C]?,
    _ body: (UnsafePointer<A>?, UnsafePointer<B>?, UnsafePointer<C>?) -> Result
) -> Result {
    func lend<T, R>(_ array: [T]?, _ body: (UnsafePointer<T>?) -> R) -> R {
        guard let array, !array.isEmpty else { return body(nil) }
        return array.withUnsafeBufferPointer { body($0.baseAddress) }
    }
    return lend(a) { a in lend(b) { b in lend(c) { c in body(a, b, c) } } }
}

/// Lends arrays as output pointers; an empty array becomes nil ("output not requested").
func withOptionalMutablePointers<Result>(
    _ a: inout [Float], _ b: inout [Float], _ c: inout [Float],
    _ body: (UnsafeMutablePointer<Float>?, UnsafeMutablePointer<Float>?, UnsafeMutablePointer<Float>?) -> Result
) -> Result {
    func lend<R>(_ array: inout [Float], _ body: (UnsafeMutablePointer<Float>?) -> R) -> R {
        guard !array.isEmpty else { return body(nil) }
        return array.withUnsafeMutableBufferPointer { body($0.baseAddress) }
    }
    return lend(&a) { a in lend(&b) { b in lend(&c) { c in body(a, b, c) } } }
}
