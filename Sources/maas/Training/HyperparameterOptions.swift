import ArgumentParser
import MaaSProtocol
import MaaSTraining

/// The settings that decide a training run. Every flag is optional so that, when resuming, the flags given
/// can be told apart from defaults: they must match the checkpoint (except --epochs, which may grow).
struct HyperparameterOptions: ParsableArguments {
    @Option(help: "LSTM units (default 128).")
    var hidden: Int?

    @Option(help: "Units of the per-frame ReLU dense layer (default 64).")
    var dense: Int?

    @Option(help: "Most epochs to train (default 30; early stopping may end sooner).")
    var epochs: Int?

    @Option(name: .customLong("batch-size"), help: "Clips per minibatch (default 32).")
    var batchSize: Int?

    @Option(help: "Adam learning rate (default 0.001).")
    var lr: Double?

    @Option(help: "Adam β1 (default 0.9).")
    var beta1: Double?

    @Option(help: "Adam β2 (default 0.999).")
    var beta2: Double?

    @Option(help: "Adam ε (default 1e-7).")
    var eps: Double?

    @Option(name: .customLong("clip-norm"), help: "Global gradient-norm bound, 0 for none (default 5).")
    var clipNorm: Double?

    @Option(help: "Stop after this many epochs without a lower validation loss, 0 never (default 5).")
    var patience: Int?

    @Option(help: "Seed of the initial weights, the split and the shuffles (default 0).")
    var seed: UInt64?

    @Option(name: .customLong("clip-decision"), help: ArgumentHelp(
        "How a clip's class comes from its frames: mean-log-prob (default) or last-frame.", valueName: "rule"))
    var clipDecision: String?

    @Option(name: .customLong("augment-shift"), help: ArgumentHelp(
        "Roll each training clip by up to this many frames either way, drawn per clip and epoch (default 0: off).",
        valueName: "frames"))
    var augmentShift: Int?

    @Option(name: .customLong("augment-noise"), help: ArgumentHelp(
        "Add Gaussian noise of this deviation to the standardised training features (default 0: off).", valueName: "sigma"))
    var augmentNoise: Double?

    /// The configuration these flags give on top of `base` (the defaults, or a checkpoint's settings).
    func configuration(over base: TrainingConfiguration = TrainingConfiguration()) throws -> TrainingConfiguration {
        var c = base
        if let hidden { c.hidden = hidden }
        if let dense { c.dense = dense }
        if let epochs { c.epochs = epochs }
        if let batchSize { c.batchSize = batchSize }
        if let lr { c.optimizer.learningRate = lr }
        if let beta1 { c.optimizer.beta1 = beta1 }
        if let beta2 { c.optimizer.beta2 = beta2 }
        if let eps { c.optimizer.epsilon = eps }
        if let clipNorm { c.clipNorm = clipNorm == 0 ? nil : clipNorm }
        if let patience { c.patience = patience == 0 ? nil : patience }
        if let seed { c.seed = seed }
        if let augmentShift { c.augmentation.maxShift = augmentShift }
        if let augmentNoise { c.augmentation.noise = augmentNoise }
        if let clipDecision {
            guard let decision = ClipDecision.allCases.first(where: { $0.name == clipDecision }) else {
                throw ValidationError("--clip-decision must be mean-log-prob or last-frame, not '\(clipDecision)'")
            }
            c.clipDecision = decision
        }
        do {
            try c.validate()
        } catch {
            throw ValidationError(error.message)
        }
        return c
    }

    func validate() throws {
        _ = try configuration()
        if let clipNorm, clipNorm < 0 { throw ValidationError("--clip-norm must not be negative") }
        if let patience, patience < 0 { throw ValidationError("--patience must not be negative") }
    }
}
