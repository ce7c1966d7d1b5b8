import Glibc

/// Adam (Kingma & Ba 2015, Algorithm 1) over one flat parameter vector:
///   m ← β₁m + (1 − β₁)g,  v ← β₂v + (1 − β₂)g²,  θ ← θ − lr · m̂ / (√v̂ + ε)
/// with the bias corrections m̂ = m / (1 − β₁ᵗ), v̂ = v / (1 − β₂ᵗ) computed in double precision once per step.
/// (Keras puts ε inside the correction, "ε-hat"; the difference only matters in the first steps for tiny v.)
public struct AdamOptimizer: Sendable, Equatable {
    public struct Settings: Sendable, Hashable, Codable {
        public var learningRate: Double
        public var beta1: Double
        public var beta2: Double
        public var epsilon: Double

        public init(learningRate: Double = 1e-3, beta1: Double = 0.9, beta2: Double = 0.999, epsilon: Double = 1e-7) {
            self.learningRate = learningRate
            self.beta1 = beta1
            self.beta2 = beta2
            self.epsilon = epsilon
        }
    }

    public let settings: Settings
    /// First and second moment estimates, one per parameter.
    public private(set) var m: [Float]
    public private(set) var v: [Float]
    /// Steps taken so far (t in the formulas).
    public private(set) var step: Int

    public init(settings: Settings, parameterCount: Int) {
        self.settings = settings
        m = [Float](repeating: 0, count: parameterCount)
        v = [Float](repeating: 0, count: parameterCount)
        step = 0
    }

    /// Restores a saved state (from a checkpoint).
    public init(settings: Settings, m: [Float], v: [Float], step: Int) {
        precondition(m.count == v.count && step >= 0)
        self.settings = settings
        self.m = m
        self.v = v
        self.step = step
    }

    public mutating func update(_ parameters: inout [Float], gradient: [Float]) {
        precondition(parameters.count == m.count && gradient.count == m.count, "Adam state does not fit the parameters")
        step += 1
        let t = Double(step)
        let b1 = Float(settings.beta1), b2 = Float(settings.beta2)
        let correction1 = 1 - pow(settings.beta1, t), correction2 = 1 - pow(settings.beta2, t)
        let stepSize = Float(settings.learningRate / correction1)
        let inverseCorrection2 = Float(1 / correction2)
        let epsilon = Float(settings.epsilon)
        let count = parameters.count
        m.withUnsafeMutableBufferPointer { m in
            v.withUnsafeMutableBufferPointer { v in
                parameters.withUnsafeMutableBufferPointer { p in
                    gradient.withUnsafeBufferPointer { g in
                        for i in 0..<count {
                            m[i] = b1 * m[i] + (1 - b1) * g[i]
                            v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i]
                            p[i] -= stepSize * m[i] / ((v[i] * inverseCorrection2).squareRoot() + epsilon)
                        }
                    }
                }
            }
        }
    }
}
