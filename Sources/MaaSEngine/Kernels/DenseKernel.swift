/// A fully connected layer: MatMul followed by Add of a [N] bias (and optionally an activation): one BLAS
/// product, then the bias and a piecewise-linear activation in one vector pass while the rows are in cache.
package enum DenseKernel {
    package struct Dims: Sendable, Hashable {
        /// Rows of the input: every leading dimension flattened (batch × time for per-frame layers).
        package var rows: Int
        package var inputFeatures: Int
        package var outputFeatures: Int
        package var activation: FusedActivation

        package init(rows: Int, inputFeatures: Int, outputFeatures: Int, activation: FusedActivation = .none) {
            self.rows = rows
            self.inputFeatures = inputFeatures
            self.outputFeatures = outputFeatures
            self.activation = activation
        }
    }

    /// `output[rows, out] = activation(input[rows, in] · weight[in, out] + bias[out])`.
    /// `weight` is in ONNX MatMul layout ([in, out], row-major); `bias` may be nil.
    package static func run(
        input: UnsafePointer<Float>, weight: UnsafePointer<Float>, bias: UnsafePointer<Float>?,
        output: UnsafeMutablePointer<Float>, dims: Dims
    ) {
        let rows = dims.rows, columns = dims.outputFeatures
        guard rows > 0, columns > 0 else { return }
        MatrixProduct.multiply(a: input, b: weight, c: output, dims: .init(m: rows, n: columns, k: dims.inputFeatures))
        dims.activation.applyWithBias(output, bias: bias, rows: rows, columns: columns)
    }
}
