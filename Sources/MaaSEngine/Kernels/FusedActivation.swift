/// An elementwise function applied to a kernel's output while it is still in cache,
/// so a Dense→Relu or Conv→Relu pair costs one pass over memory instead of two.
package enum FusedActivation: Sendable, Hashable {
    case none
    case relu
    case leakyRelu(alpha: Float)
    case sigmoid
    case tanh
    case clip(min: Float, max: Float)

    /// The activation as min(max(x, lower), upper) followed by scaling negative results, when it is
    /// piecewise linear (everything but sigmoid and tanh).
    var piecewiseLinear: (lower: Float, upper: Float, negativeSlope: Float)? {
        switch self {
        case .none: (-.infinity, .infinity, 1)
        case .relu: (0, .infinity, 1)
        case .leakyRelu(let alpha): (-.infinity, .infinity, alpha)
        case .clip(let low, let high): (low, high, 1)
        case .sigmoid, .tanh: nil
        }
    }

    /// Adds a [columns] bias to every row of a row-major matrix and applies the activation, in one pass
    /// where the activation is piecewise linear.
    func applyWithBias(_ values: UnsafeMutablePointer<Float>, bias: UnsafePointer<Float>?, rows: Int, columns: Int) {
        let kernels = VectorKernels.best
        if let (lower, upper, slope) = piecewiseLinear {
            if bias == nil && self == .none { return }
            kernels.biasActivationRows(values, bias: bias, rows: rows, columns: columns, lower: lower, upper: upper,
                                       negativeSlope: slope)
        } else {
            if bias != nil {
                kernels.biasActivationRows(values, bias: bias, rows: rows, columns: columns, lower: -.infinity,
                                           upper: .infinity, negativeSlope: 1)
            }
            apply(values, count: rows * columns)
        }
    }

    /// Applies the activation in place to `count` contiguous values.
    package func apply(_ values: UnsafeMutablePointer<Float>, count: Int) {
        switch self {
        case .none:
            return
        case .relu:
            for i in 0..<count { values[i] = Swift.max(values[i], 0) }
        case .leakyRelu(let alpha):
            for i in 0..<count where values[i] < 0 { values[i] *= alpha }
        case .sigmoid:
            VectorKernels.best.sigmoid(inPlace: values, count: count)
        case .tanh:
            VectorKernels.best.tanh(inPlace: values, count: count)
        case .clip(let low, let high):
            for i in 0..<count { values[i] = Swift.min(Swift.max(values[i], low), high) }
        }
    }
}
