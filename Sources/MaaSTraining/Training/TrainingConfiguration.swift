import MaaSProtocol

/// Everything that decides a training run's result. A checkpoint stores it, and resuming requires the same
/// values (only `epochs` may grow), so a resumed run is the run that was started.
public struct TrainingConfiguration: Sendable, Hashable {
    public var hidden = 128
    public var dense = 64
    public var epochs = 30
    public var batchSize = 32
    public var optimizer = AdamOptimizer.Settings()
    /// Global gradient-norm bound; nil turns clipping off.
    public var clipNorm: Double? = 5
    /// Stop when the validation loss has not improved for this many epochs; nil never stops early.
    public var patience: Int? = 5
    public var seed: UInt64 = 0
    public var clipDecision: ClipDecision = .meanLogProb
    /// Off unless asked for: the reference recipe trains on the features as they are.
    public var augmentation = Augmentation()

    public init() {}

    /// Every minibatch is computed as this many row slices, one per thread, whose gradients are summed in
    /// slice order. Fixed, not the core count: the summation order — and so every bit of the result — must not
    /// depend on the machine.
    public static let slices = 2

    public func validate() throws(TrainingError) {
        func check(_ condition: Bool, _ message: String) throws(TrainingError) {
            if !condition { throw TrainingError(.invalidConfiguration, message) }
        }
        try check((1...4096).contains(hidden), "hidden size must be 1...4096, got \(hidden)")
        try check((1...4096).contains(dense), "dense size must be 1...4096, got \(dense)")
        try check((1...100_000).contains(epochs), "epochs must be 1...100000, got \(epochs)")
        try check((1...65536).contains(batchSize), "batch size must be 1...65536, got \(batchSize)")
        let o = optimizer
        try check(o.learningRate.isFinite && o.learningRate > 0, "learning rate must be positive, got \(o.learningRate)")
        try check((0..<1).contains(o.beta1), "beta1 must be in [0, 1), got \(o.beta1)")
        try check((0..<1).contains(o.beta2), "beta2 must be in [0, 1), got \(o.beta2)")
        try check(o.epsilon.isFinite && o.epsilon > 0, "epsilon must be positive, got \(o.epsilon)")
        if let clipNorm { try check(clipNorm.isFinite && clipNorm > 0, "clip norm must be positive, got \(clipNorm)") }
        if let patience { try check(patience >= 1, "patience must be at least 1, got \(patience)") }
        try check((0...1000).contains(augmentation.maxShift), "augmentation shift must be 0...1000 frames, got \(augmentation.maxShift)")
        try check(augmentation.noise.isFinite && (0...10).contains(augmentation.noise),
                  "augmentation noise must be 0...10, got \(augmentation.noise)")
    }

    /// Whether a checkpoint written under `other` can continue as this run (everything equal but `epochs`).
    public func canResume(from other: TrainingConfiguration) -> Bool {
        var a = self, b = other
        a.epochs = 0
        b.epochs = 0
        return a == b
    }
}

extension TrainingConfiguration: Codable {
    private enum Keys: String, CodingKey {
        case hidden, dense, epochs, batchSize, learningRate, beta1, beta2, epsilon, clipNorm, patience, seed, clipDecision
        case augmentShift, augmentNoise
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: Keys.self)
        self.init()
        hidden = try c.decode(Int.self, forKey: .hidden)
        dense = try c.decode(Int.self, forKey: .dense)
        epochs = try c.decode(Int.self, forKey: .epochs)
        batchSize = try c.decode(Int.self, forKey: .batchSize)
        optimizer = AdamOptimizer.Settings(
            learningRate: try c.decode(Double.self, forKey: .learningRate), beta1: try c.decode(Double.self, forKey: .beta1),
            beta2: try c.decode(Double.self, forKey: .beta2), epsilon: try c.decode(Double.self, forKey: .epsilon))
        clipNorm = try c.decodeIfPresent(Double.self, forKey: .clipNorm)
        patience = try c.decodeIfPresent(Int.self, forKey: .patience)
        seed = try c.decode(UInt64.self, forKey: .seed)
        let name = try c.decode(String.self, forKey: .clipDecision)
        guard let decision = ClipDecision.allCases.first(where: { $0.name == name }) else {
            throw DecodingError.dataCorruptedError(forKey: .clipDecision, in: c, debugDescription: "unknown clip decision '\(name)'")
        }
        clipDecision = decision
        augmentation = Augmentation(maxShift: try c.decodeIfPresent(Int.self, forKey: .augmentShift) ?? 0,
                                    noise: try c.decodeIfPresent(Double.self, forKey: .augmentNoise) ?? 0)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: Keys.self)
        try c.encode(hidden, forKey: .hidden)
        try c.encode(dense, forKey: .dense)
        try c.encode(epochs, forKey: .epochs)
        try c.encode(batchSize, forKey: .batchSize)
        try c.encode(optimizer.learningRate, forKey: .learningRate)
        try c.encode(optimizer.beta1, forKey: .beta1)
        try c.encode(optimizer.beta2, forKey: .beta2)
        try c.encode(optimizer.epsilon, forKey: .epsilon)
        try c.encodeIfPresent(clipNorm, forKey: .clipNorm)
        try c.encodeIfPresent(patience, forKey: .patience)
        try c.encode(seed, forKey: .seed)
        try c.encode(clipDecision.name, forKey: .clipDecision)
        try c.encode(augmentation.maxShift, forKey: .augmentShift)
        try c.encode(augmentation.noise, forKey: .augmentNoise)
    }
}
