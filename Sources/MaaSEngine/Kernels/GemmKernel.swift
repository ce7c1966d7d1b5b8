/// ONNX Gemm: Y = alpha·op(A)·op(B) + beta·C, with C unidirectionally broadcast to [M, N].
package enum GemmKernel {
    /// How the optional C input is laid out relative to the [M, N] output.
    package enum Bias: Sendable, Hashable {
        case none
        /// C has one element (shape [] or [1] or [1, 1]).
        case scalar
        /// C is one row repeated over M (shape [N] or [1, N]).
        case row
        /// C is one column repeated over N (shape [M, 1]).
        case column
        /// C is a full [M, N] matrix.
        case full
    }

    package struct Dims: Sendable, Hashable {
        package var m: Int
        package var n: Int
        package var k: Int
        /// A is stored [K, M] (ONNX transA = 1).
        package var transposeA: Bool
        /// B is stored [N, K] (ONNX transB = 1).
        package var transposeB: Bool
        package var alpha: Float
        package var beta: Float
        package var bias: Bias

        package init(m: Int, n: Int, k: Int, transposeA: Bool = false, transposeB: Bool = false,
                     alpha: Float = 1, beta: Float = 1, bias: Bias = .none) {
            self.m = m
            self.n = n
            self.k = k
            self.transposeA = transposeA
            self.transposeB = transposeB
            self.alpha = alpha
            self.beta = beta
            self.bias = bias
        }
    }

    /// Writes the [M, N] result to `output`. `c` must be non-nil unless `dims.bias == .none`.
    package static func run(
        a: UnsafePointer<Float>, b: UnsafePointer<Float>, c: UnsafePointer<Float>?,
        output: UnsafeMutablePointer<Float>, dims: Dims
    ) {
        let m = dims.m, n = dims.n
        var accumulate: Float = 0
        if let c, dims.bias != .none, dims.beta != 0 {
            // Broadcast beta·C into the output first, then let BLAS accumulate onto it.
            BiasBroadcast.fill(output, rows: m, columns: n, from: c, layout: dims.bias, scale: dims.beta)
            accumulate = 1
        }
        MatrixProduct.multiply(
            a: a, b: b, c: output,
            dims: .init(m: m, n: n, k: dims.k, transposeA: dims.transposeA, transposeB: dims.transposeB),
            alpha: dims.alpha, beta: accumulate)
    }
}

/// Writes a broadcast bias into a row-major [rows, columns] matrix.
enum BiasBroadcast {
    static func fill(
        _ output: UnsafeMutablePointer<Float>, rows: Int, columns: Int,
        from c: UnsafePointer<Float>, layout: GemmKernel.Bias, scale: Float
    ) {
        switch layout {
        case .none:
            output.update(repeating: 0, count: rows * columns)
        case .scalar:
            output.update(repeating: scale * c[0], count: rows * columns)
        case .row:
            for row in 0..<rows {
                let line = output + row * columns
                for column in 0..<columns { line[column] = scale * c[column] }
            }
        case .column:
            for row in 0..<rows {
                (output + row * columns).update(repeating: scale * c[row], count: columns)
            }
        case .full:
            for index in 0..<(rows * columns) { output[index] = scale * c[index] }
        }
    }
}
