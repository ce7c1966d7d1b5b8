import Glibc

/// Softmax and LogSoftmax along one axis of a tensor viewed as [outer, axis, inner].
///
/// Opset ≥ 13 normalises along `axis` alone: outer = ∏ dims before it, inner = ∏ dims after it.
/// Opsets 11–12 flatten to 2-D at `axis`: outer = ∏ dims before it, axisLength = ∏ dims from it, inner = 1.
/// Both subtract the maximum first so large logits cannot overflow exp.
package enum SoftmaxKernel {
    package struct Dims: Sendable, Hashable {
        package var outer: Int
        package var axisLength: Int
        package var inner: Int

        package init(outer: Int, axisLength: Int, inner: Int) {
            self.outer = outer
            self.axisLength = axisLength
            self.inner = inner
        }

        /// Splits `shape` around `axis` (already made non-negative) with opset-13 semantics.
        package init(shape: [Int], axis: Int) {
            outer = shape[..<axis].reduce(1, *)
            axisLength = shape[axis]
            inner = shape[(axis + 1)...].reduce(1, *)
        }
    }

    /// `output` may equal `input`.
    package static func softmax(input: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>, dims: Dims) {
        normalise(input: input, output: output, dims: dims, logarithm: false)
    }

    /// `output` may equal `input`.
    package static func logSoftmax(input: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>, dims: Dims) {
        normalise(input: input, output: output, dims: dims, logarithm: true)
    }

    private static func normalise(
        input: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>, dims: Dims, logarithm: Bool
    ) {
        let length = dims.axisLength, inner = dims.inner
        guard length > 0 else { return }
        for o in 0..<dims.outer {
            for i in 0..<inner {
                let x = input + o * length * inner + i
                let y = output + o * length * inner + i
                var maximum = -Float.infinity
                for j in 0..<length { maximum = max(maximum, x[j * inner]) }
                var sum: Float = 0
                if logarithm {
                    for j in 0..<length { sum += VectorMath.exp(x[j * inner] - maximum) }
                    // (x − max) − log Σ, in that order: folding max into the shift first would round
                    // it at the magnitude of max and lose the small result.
                    let logSum = logf(sum)
                    for j in 0..<length { y[j * inner] = (x[j * inner] - maximum) - logSum }
                } else {
                    for j in 0..<length {
                        let e = VectorMath.exp(x[j * inner] - maximum)
                        y[j * inner] = e
                        sum += e
                    }
                    let scale = 1 / sum
                    for j in 0..<length { y[j * inner] *= scale }
                }
            }
        }
    }
}
