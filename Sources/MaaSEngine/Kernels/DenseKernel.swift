/// A fully connected layer: MatMul followed by Add of a [N] bias (and optionally an activation),
/// fused into one BLAS call whose output already holds the bias.
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
        if let bias {
            BiasBroadcast.fill(output, rows: rows, columns: columns, from: bias, layout: .row, scale: 1)
        }
        MatrixProduct.multiply(
            a: input, b: weight, c: output,
            dims: .init(m: rows, n: columns, k: dims.inputFeatures),
            alpha: 1, beta: bias == nil ? 0 : 1)
        dims.activation.apply(output, count: rows * columns)
    }
}
