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
        guard length > 0, inner > 0, dims.outer > 0 else { return }
        let kernels = VectorKernels.best
        if inner == 1 {
            kernels.softmaxRows(input, into: output, rows: dims.outer, length: length, logarithm: logarithm)
            return
        }
        // Along a strided axis, work on whole rows of `inner` values: column maxima, then each row's
        // exponentials through the vector kernel, accumulated into column sums.
        withUnsafeTemporaryAllocation(of: Float.self, capacity: 3 * inner) { buffer in
            guard let maximum = buffer.baseAddress else { return }
            let sum = maximum + inner, row = sum + inner
            for o in 0..<dims.outer {
                let x = input + o * length * inner
                let y = output + o * length * inner
                maximum.update(repeating: -.infinity, count: inner)
                for j in 0..<length {
                    let line = x + j * inner
                    for i in 0..<inner { maximum[i] = max(maximum[i], line[i]) }
                }
                sum.update(repeating: 0, count: inner)
                for j in 0..<length {
                    let line = x + j * inner
                    for i in 0..<inner { row[i] = line[i] - maximum[i] }
                    kernels.exp(row, into: row, count: inner)
                    for i in 0..<inner { sum[i] += row[i] }
                    // Row j of x is not read again, so an in-place softmax may overwrite it now.
                    if !logarithm { (y + j * inner).update(from: row, count: inner) }
                }
                if logarithm {
                    // (x − max) − log Σ, in that order: folding max into the shift first would round
                    // it at the magnitude of max and lose the small result.
                    for i in 0..<inner { sum[i] = logf(sum[i]) }
                    for j in 0..<length {
                        for i in 0..<inner { y[j * inner + i] = (x[j * inner + i] - maximum[i]) - sum[i] }
                    }
                } else {
                    for i in 0..<inner { sum[i] = 1 / sum[i] }
                    for j in 0..<length {
                        for i in 0..<inner { y[j * inner + i] *= sum[i] }
                    }
                }
            }
        }
    }
}
