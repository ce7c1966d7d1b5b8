/// Elementwise exp, sigmoid and tanh over contiguous buffers, written as branch-free scalar code
/// that the compiler vectorises. Calling libm per element made the gate activations of a batched
/// LSTM cost as much as its matrix products; these stay within ~2e-7 relative of libm.
package enum VectorMath {
    /// Largest and smallest inputs whose exp is a normal Float; above it the result saturates, below it is 0.
    private static let expUpperBound: Float = 88.3
    private static let expLowerBound: Float = -87.3
    private static let log2e: Float = 1.442_695_04
    // ln 2 split in two so that n·ln2 is subtracted without rounding error for |n| ≤ 128.
    private static let ln2High: Float = 0.693_359_375
    private static let ln2Low: Float = -2.121_944_4e-4
    /// 1.5·2²³: adding it rounds a Float to an integer held in the low mantissa bits.
    private static let roundingMagic: Float = 12_582_912

    @inline(__always)
    package static func exp(_ x: Float) -> Float {
        let value = expInRange(Swift.min(Swift.max(x, expLowerBound), expUpperBound))
        // Below the normal range the true value is (close to) zero; flushing keeps softmax tails exact.
        return x < expLowerBound ? 0 : value
    }

    /// exp for |x| ≤ 87 only (no clamping): for callers that bound their arguments anyway.
    @inline(__always)
    static func expInRange(_ x: Float) -> Float {
        let shifted = x * log2e + roundingMagic
        let n = shifted - roundingMagic
        let r = x - n * ln2High - n * ln2Low
        // Degree-6 minimax polynomial for e^r on |r| ≤ ln2/2: 1.1e-7 relative error in Float arithmetic.
        var p: Float = 1.383_684_6e-3
        p = p * r + 8.374_816e-3
        p = p * r + 4.166_822_5e-2
        p = p * r + 1.666_642e-1
        p = p * r + 4.999_999_1e-1
        p = p * r + 1
        p = p * r + 1
        let exponent = (shifted.bitPattern &- roundingMagic.bitPattern &+ 127) &<< 23
        return p * Float(bitPattern: exponent)
    }

    @inline(__always)
    package static func sigmoid(_ x: Float) -> Float {
        1 / (1 + exp(-x))
    }

    @inline(__always)
    package static func tanh(_ x: Float) -> Float {
        // tanh|x| = 1 − 2/(e^{2|x|} + 1); absolute error stays ~1e-7 near zero.
        let magnitude = 1 - 2 / (exp(2 * Swift.abs(x)) + 1)
        return x < 0 ? -magnitude : magnitude
    }

    /// `output[i] = exp(input[i])`; `output` may equal `input` (use the in-place forms for speed).
    package static func exp(_ input: UnsafePointer<Float>, into output: UnsafeMutablePointer<Float>, count: Int) {
        for i in 0..<count { output[i] = exp(input[i]) }
    }

    /// `output[i] = 1/(1+exp(-input[i]))`; `output` may equal `input`.
    package static func sigmoid(_ input: UnsafePointer<Float>, into output: UnsafeMutablePointer<Float>, count: Int) {
        for i in 0..<count { output[i] = sigmoid(input[i]) }
    }

    /// `output[i] = tanh(input[i])`; `output` may equal `input`.
    package static func tanh(_ input: UnsafePointer<Float>, into output: UnsafeMutablePointer<Float>, count: Int) {
        for i in 0..<count { output[i] = tanh(input[i]) }
    }

    // The in-place forms have loops of their own: through the two-pointer forms, LLVM's runtime overlap
    // check sees input == output as aliasing and falls back to the scalar loop (4× slower).

    package static func sigmoid(inPlace values: UnsafeMutablePointer<Float>, count: Int) {
        for i in 0..<count { values[i] = sigmoid(values[i]) }
    }

    package static func tanh(inPlace values: UnsafeMutablePointer<Float>, count: Int) {
        for i in 0..<count { values[i] = tanh(values[i]) }
    }
}
