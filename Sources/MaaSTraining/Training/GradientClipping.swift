/// Global-norm gradient clipping (TensorFlow's `clip_by_global_norm`, Keras's `global_clipnorm`): when the
/// L2 norm of the whole gradient exceeds `maxNorm`, every element is scaled by maxNorm / norm, which keeps
/// the direction and bounds the step of an exploding recurrent gradient.
public enum GradientClipping {
    /// The L2 norm, summed in double precision in index order (the same bits on every run).
    public static func norm(_ gradient: [Float]) -> Double {
        var sum = 0.0
        for value in gradient { sum += Double(value) * Double(value) }
        return sum.squareRoot()
    }

    /// Clips in place; returns the norm before clipping.
    @discardableResult
    public static func clip(_ gradient: inout [Float], maxNorm: Double) -> Double {
        let total = norm(gradient)
        guard maxNorm > 0, total > maxNorm else { return total }
        let scale = Float(maxNorm / total)
        for i in gradient.indices { gradient[i] *= scale }
        return total
    }
}
