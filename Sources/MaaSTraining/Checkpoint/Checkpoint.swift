import Foundation
import MaaSProtocol
import ProtoWire

/// Saves and restores a `TrainingState` (weights, Adam moments and step, generator, epoch history, best
/// weights, configuration) as one file, replaced atomically after every epoch.
public enum Checkpoint {
    /// The file name inside a checkpoint directory.
    public static let fileName = "checkpoint.maas-train"
    /// Larger files are refused before they are read (a 4096-wide network's state is far below this).
    public static let maxBytes = 1 << 31 - 1

    public static func serialize(_ state: TrainingState) -> [UInt8] {
        let c = state.configuration
        var m = CheckpointMessage()
        m.version = CheckpointMessage.currentVersion
        m.hidden = UInt64(c.hidden)
        m.dense = UInt64(c.dense)
        m.epochs = UInt64(c.epochs)
        m.batchSize = UInt64(c.batchSize)
        m.learningRate = c.optimizer.learningRate
        m.beta1 = c.optimizer.beta1
        m.beta2 = c.optimizer.beta2
        m.epsilon = c.optimizer.epsilon
        m.clipNorm = c.clipNorm ?? 0
        m.patience = UInt64(c.patience ?? 0)
        m.seed = c.seed
        m.clipDecision = c.clipDecision.rawValue
        m.features = UInt64(state.shape.features)
        m.labels = state.labels
        m.mean = state.standardization.mean
        m.scale = state.standardization.scale
        m.parameters = state.parameters
        m.adamM = state.optimizer.m
        m.adamV = state.optimizer.v
        m.adamStep = UInt64(state.optimizer.step)
        m.generator = state.generator.state
        m.history = state.history.map {
            .init(epoch: UInt64($0.epoch), trainLoss: $0.trainLoss, trainAccuracy: $0.trainAccuracy,
                  validationLoss: $0.validationLoss, validationAccuracy: $0.validationAccuracy, seconds: $0.seconds)
        }
        m.best = state.best.map { .init(epoch: UInt64($0.epoch), validationLoss: $0.validationLoss, parameters: $0.parameters) }
        m.epochsWithoutImprovement = UInt64(state.epochsWithoutImprovement)
        m.stoppedEarly = state.stoppedEarly
        m.dataFingerprint = state.dataFingerprint
        m.augmentShift = UInt64(c.augmentation.maxShift)
        m.augmentNoise = c.augmentation.noise
        return m.serializedBytes()
    }

    /// Decodes and checks a checkpoint: every size must fit the network it describes.
    public static func deserialize(_ bytes: [UInt8], source: String = "checkpoint") throws(TrainingError) -> TrainingState {
        func invalid(_ message: String) -> TrainingError { TrainingError(.invalidCheckpoint, "\(source): \(message)") }
        let m: CheckpointMessage
        do {
            m = try CheckpointMessage(serializedBytes: bytes, limits: ProtoLimits(maxDepth: 4, maxLength: maxBytes))
        } catch {
            throw invalid("\(error)")
        }
        guard m.version == CheckpointMessage.currentVersion else {
            throw invalid("version \(m.version), this maas reads version \(CheckpointMessage.currentVersion)")
        }
        func int(_ value: UInt64, _ name: String) throws(TrainingError) -> Int {
            guard value <= 1 << 31 else { throw invalid("\(name) \(value) is out of range") }
            return Int(value)
        }
        var c = TrainingConfiguration()
        c.hidden = try int(m.hidden, "hidden")
        c.dense = try int(m.dense, "dense")
        c.epochs = try int(m.epochs, "epochs")
        c.batchSize = try int(m.batchSize, "batch_size")
        c.optimizer = .init(learningRate: m.learningRate, beta1: m.beta1, beta2: m.beta2, epsilon: m.epsilon)
        c.clipNorm = m.clipNorm == 0 ? nil : m.clipNorm
        c.patience = m.patience == 0 ? nil : try int(m.patience, "patience")
        c.seed = m.seed
        guard let decision = ClipDecision(rawValue: m.clipDecision) else { throw invalid("unknown clip_decision \(m.clipDecision)") }
        c.clipDecision = decision
        c.augmentation = Augmentation(maxShift: try int(m.augmentShift, "augment_shift"), noise: m.augmentNoise)
        do { try c.validate() } catch { throw invalid(error.message) }
        let features = try int(m.features, "features")
        guard (1...4096).contains(features) else { throw invalid("features \(features) is out of range") }
        guard m.labels.count >= 2 else { throw invalid("\(m.labels.count) labels; a run has at least 2") }
        let shape = NetworkShape(features: features, hidden: c.hidden, dense: c.dense, classes: m.labels.count)
        let count = ParameterLayout(shape).count
        for (name, values) in [("parameters", m.parameters), ("adam_m", m.adamM), ("adam_v", m.adamV)] where values.count != count {
            throw invalid("\(name) holds \(values.count) values, the network has \(count)")
        }
        guard m.mean.count == features, m.scale.count == features else {
            throw invalid("mean/scale hold \(m.mean.count)/\(m.scale.count) values for \(features) features")
        }
        guard let generator = SeededGenerator(state: m.generator) else { throw invalid("the generator state is not 4 non-zero words") }
        var history: [EpochRecord] = []
        for (index, epoch) in m.history.enumerated() {
            guard epoch.epoch == UInt64(index + 1) else { throw invalid("history entry \(index) is epoch \(epoch.epoch)") }
            history.append(EpochRecord(epoch: index + 1, trainLoss: epoch.trainLoss, trainAccuracy: epoch.trainAccuracy,
                                       validationLoss: epoch.validationLoss, validationAccuracy: epoch.validationAccuracy,
                                       seconds: epoch.seconds))
        }
        var best: TrainingState.Best?
        if let b = m.best {
            guard b.parameters.count == count else { throw invalid("best.parameters holds \(b.parameters.count) values, the network has \(count)") }
            guard b.epoch >= 1, b.epoch <= UInt64(history.count) else { throw invalid("best.epoch \(b.epoch) was not trained") }
            best = .init(epoch: Int(b.epoch), validationLoss: b.validationLoss, parameters: b.parameters)
        }
        return TrainingState(
            configuration: c, shape: shape, labels: m.labels,
            standardization: FeatureStandardization(mean: m.mean, scale: m.scale), parameters: m.parameters,
            optimizer: AdamOptimizer(settings: c.optimizer, m: m.adamM, v: m.adamV, step: try int(m.adamStep, "adam_step")),
            generator: generator, history: history, best: best,
            epochsWithoutImprovement: try int(m.epochsWithoutImprovement, "epochs_without_improvement"),
            stoppedEarly: m.stoppedEarly, dataFingerprint: m.dataFingerprint)
    }

    /// Writes `DIR/checkpoint.maas-train` through a temporary file and a rename, so a crash leaves the previous
    /// epoch's checkpoint or this one, never half of one.
    public static func write(_ state: TrainingState, toDirectory directory: String) throws(TrainingError) {
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            try Data(serialize(state)).write(to: URL(fileURLWithPath: directory + "/" + fileName), options: .atomic)
        } catch {
            throw TrainingError(.io, "cannot write a checkpoint in \(directory): \(error.localizedDescription)")
        }
    }

    public static func read(fromDirectory directory: String) throws(TrainingError) -> TrainingState {
        let path = directory + "/" + fileName
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
              let size = attributes[.size] as? Int else {
            throw TrainingError(.io, "no checkpoint at \(path)")
        }
        guard size <= maxBytes else { throw TrainingError(.invalidCheckpoint, "\(path) is \(size) bytes, over \(maxBytes)") }
        guard let data = FileManager.default.contents(atPath: path) else { throw TrainingError(.io, "cannot read \(path)") }
        return try deserialize([UInt8](data), source: path)
    }
}
