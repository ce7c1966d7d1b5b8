/// An elementwise function applied to a kernel's output while it is still in cache,
/// so a Dense→Relu or Conv→Relu pair costs one pass over memory instead of two.
package enum FusedActivation: Sendable, Hashable {
    case none
    case relu
    case leakyRelu(alpha: Float)
    case sigmoid
    case tanh
    case clip(min: Float, max: Float)

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
