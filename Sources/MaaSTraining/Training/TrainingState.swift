/// Everything a run needs to continue: what a checkpoint holds. Two runs with equal states continue
/// identically, which is what makes resume equal an uninterrupted run.
public struct TrainingState: Sendable, Equatable {
    /// The weights with the lowest validation loss so far, kept for early stopping.
    public struct Best: Sendable, Equatable {
        public var epoch: Int
        public var validationLoss: Double
        public var parameters: [Float]

        public init(epoch: Int, validationLoss: Double, parameters: [Float]) {
            self.epoch = epoch
            self.validationLoss = validationLoss
            self.parameters = parameters
        }
    }

    public var configuration: TrainingConfiguration
    public var shape: NetworkShape
    public var labels: [String]
    public var standardization: FeatureStandardization
    public var parameters: [Float]
    public var optimizer: AdamOptimizer
    /// Draws the next epoch's shuffle.
    public var generator: SeededGenerator
    public var history: [EpochRecord]
    public var best: Best?
    public var epochsWithoutImprovement: Int
    public var stoppedEarly: Bool
    /// Hash of the training and validation features, so a checkpoint is never resumed on other data.
    public var dataFingerprint: UInt64

    public var epochsCompleted: Int { history.count }

    public var isFinished: Bool { stoppedEarly || epochsCompleted >= configuration.epochs }

    /// What export uses: the best validation weights when there was validation, else the last ones.
    public var finalParameters: [Float] { best?.parameters ?? parameters }

    /// One optimizer step. (A method, so that the optimizer and the parameters — both parts of the state — are
    /// updated under one access to it rather than two overlapping ones.)
    mutating func applyUpdate(_ gradient: [Float]) {
        optimizer.update(&parameters, gradient: gradient)
    }

    /// Equal in everything that determines the rest of the run (epoch times may differ).
    public func sameRun(as other: TrainingState) -> Bool {
        var a = self, b = other
        for i in a.history.indices { a.history[i].seconds = 0 }
        for i in b.history.indices { b.history[i].seconds = 0 }
        return a == b
    }
}
