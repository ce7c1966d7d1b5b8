/// One epoch's numbers: the training loss and accuracy are running means over the epoch's minibatches (as
/// Keras reports them), the validation ones are measured after the epoch's last update.
public struct EpochRecord: Sendable, Equatable, Codable {
    /// 1-based.
    public var epoch: Int
    public var trainLoss: Double
    public var trainAccuracy: Double
    public var validationLoss: Double?
    public var validationAccuracy: Double?
    /// Wall-clock time of the epoch (not part of the result: it differs between identical runs).
    public var seconds: Double

    public init(epoch: Int, trainLoss: Double, trainAccuracy: Double, validationLoss: Double?, validationAccuracy: Double?,
                seconds: Double) {
        self.epoch = epoch
        self.trainLoss = trainLoss
        self.trainAccuracy = trainAccuracy
        self.validationLoss = validationLoss
        self.validationAccuracy = validationAccuracy
        self.seconds = seconds
    }
}

/// Where an epoch is, for a progress bar.
public struct EpochProgress: Sendable {
    public var epoch: Int
    public var batchesDone: Int
    public var batchesTotal: Int
    /// Running means over the batches done so far.
    public var loss: Double
    public var accuracy: Double
}
