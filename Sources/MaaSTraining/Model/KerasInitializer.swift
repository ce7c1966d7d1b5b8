/// The initial weights Keras gives an `LSTM` and `Dense` layers by default, drawn from a seeded generator:
/// Glorot-uniform kernels, an orthogonal recurrent kernel, zero biases except the LSTM forget gate's 1
/// (`unit_forget_bias=True`).
///
/// Keras orders its gate columns i, f, c, o and ours are i, o, f, c; permuting the columns of a matrix with
/// orthonormal rows keeps them orthonormal, so the distribution is the same.
package enum KerasInitializer {
    package static func parameters(_ layout: ParameterLayout, generator: inout SeededGenerator) -> [Float] {
        let shape = layout.shape
        var values = [Float](repeating: 0, count: layout.count)
        glorotUniform(&values, layout.lstmInput, fanIn: shape.features, fanOut: shape.gates, &generator)
        let recurrent = orthogonal(rows: shape.hidden, columns: shape.gates, &generator)
        for (offset, value) in recurrent.enumerated() { values[layout.lstmRecurrent.lowerBound + offset] = Float(value) }
        let forget = layout.lstmBias.lowerBound + ParameterLayout.Gate.forget.rawValue * shape.hidden
        for j in 0..<shape.hidden { values[forget + j] = 1 }
        glorotUniform(&values, layout.denseWeights, fanIn: shape.hidden, fanOut: shape.dense, &generator)
        glorotUniform(&values, layout.outputWeights, fanIn: shape.dense, fanOut: shape.classes, &generator)
        return values
    }

    /// Uniform in ±√(6 / (fanIn + fanOut)).
    static func glorotUniform(_ values: inout [Float], _ range: Range<Int>, fanIn: Int, fanOut: Int,
                              _ generator: inout SeededGenerator) {
        let limit = (6 / Double(fanIn + fanOut)).squareRoot()
        for i in range { values[i] = Float((2 * generator.nextUnit() - 1) * limit) }
    }

    /// A [rows, columns] matrix (row-major) with orthonormal rows when rows ≤ columns (orthonormal columns
    /// otherwise), as Keras's `Orthogonal`: the Q of a QR factorisation of a Gaussian matrix, each column's
    /// sign fixed so R's diagonal is positive. Gram–Schmidt produces exactly that Q (its R diagonal is the
    /// positive norm of each column); it runs twice per column ("twice is enough") in double precision.
    package static func orthogonal(rows: Int, columns: Int, _ generator: inout SeededGenerator) -> [Double] {
        // Factor the tall orientation: n vectors of length m, m ≥ n.
        let m = max(rows, columns), n = min(rows, columns)
        var a = (0..<(m * n)).map { _ in generator.nextGaussian() }  // row-major [m, n]
        var q = [Double](repeating: 0, count: m * n)  // column j at q[j*m ..< (j+1)*m]
        for j in 0..<n {
            var v = (0..<m).map { a[$0 * n + j] }
            for _ in 0..<2 {
                for k in 0..<j {
                    var dot = 0.0
                    for i in 0..<m { dot += q[k * m + i] * v[i] }
                    for i in 0..<m { v[i] -= dot * q[k * m + i] }
                }
            }
            var norm = 0.0
            for i in 0..<m { norm += v[i] * v[i] }
            norm = norm.squareRoot()
            for i in 0..<m { q[j * m + i] = v[i] / norm }
        }
        a = []
        // Q is [m, n] with orthonormal columns; the result is Q for rows ≥ columns, Qᵀ otherwise.
        var result = [Double](repeating: 0, count: rows * columns)
        for r in 0..<rows {
            for c in 0..<columns {
                result[r * columns + c] = rows >= columns ? q[c * m + r] : q[r * m + c]
            }
        }
        return result
    }
}
