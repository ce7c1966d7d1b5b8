import Dispatch
import MaaSEngine

/// Runs minibatch Adam on the speech network, one epoch per call, from a fresh start or a checkpointed state.
///
/// Bit-reproducible for a seed: OpenBLAS is set to one thread (every product sums in one fixed order), each
/// minibatch is computed as `TrainingConfiguration.slices` row slices on as many threads, and their gradients
/// are added in slice order. Nothing depends on the core count or on thread timing.
public final class Trainer {
    public private(set) var state: TrainingState
    public let network: SpeechNetwork
    /// Standardised features.
    let train: LabelledClips
    let validation: LabelledClips?
    private let slices: [Slice]

    /// One thread's share of a minibatch: its scratch and its gradient.
    private final class Slice: @unchecked Sendable {
        let workspace = NetworkWorkspace()
        let gradient: FloatBuffer
        var result: (lossSum: Double, correct: Int) = (0, 0)

        init(parameters: Int) { gradient = FloatBuffer(parameters) }
    }

    /// A new run: measures the feature standardisation on `train` and draws the initial weights from the seed.
    public convenience init(configuration: TrainingConfiguration, train: LabelledClips, validation: LabelledClips?) throws(TrainingError) {
        try configuration.validate()
        try Self.check(train, validation)
        let shape = NetworkShape(features: train.features, hidden: configuration.hidden, dense: configuration.dense,
                                 classes: train.labels.count)
        let layout = ParameterLayout(shape)
        var initGenerator = SeededGenerator(seed: configuration.seed, stream: 1)
        let parameters = KerasInitializer.parameters(layout, generator: &initGenerator)
        let state = TrainingState(
            configuration: configuration, shape: shape, labels: train.labels,
            standardization: FeatureStandardization(measuring: train.clips, features: train.features),
            parameters: parameters, optimizer: AdamOptimizer(settings: configuration.optimizer, parameterCount: layout.count),
            generator: SeededGenerator(seed: configuration.seed, stream: 2), history: [], best: nil,
            epochsWithoutImprovement: 0, stoppedEarly: false,
            dataFingerprint: DataFingerprint.of([train] + (validation.map { [$0] } ?? [])))
        try self.init(resuming: state, train: train, validation: validation)
    }

    /// Continues a checkpointed run on the same data. `state.configuration.epochs` may have been raised.
    public init(resuming state: TrainingState, train: LabelledClips, validation: LabelledClips?) throws(TrainingError) {
        try state.configuration.validate()
        try Self.check(train, validation)
        guard state.labels == train.labels else {
            throw TrainingError(.invalidCheckpoint, "the checkpoint's labels \(state.labels) differ from the data's \(train.labels)")
        }
        guard state.dataFingerprint == DataFingerprint.of([train] + (validation.map { [$0] } ?? [])) else {
            throw TrainingError(.invalidCheckpoint, "the checkpoint was trained on other data (or another split or front-end)")
        }
        network = SpeechNetwork(shape: state.shape, decision: state.configuration.clipDecision)
        guard state.parameters.count == network.layout.count else {
            throw TrainingError(.invalidCheckpoint, "the checkpoint holds \(state.parameters.count) parameters, the network needs \(network.layout.count)")
        }
        self.state = state
        self.train = state.standardization.apply(to: train)
        self.validation = validation.map { state.standardization.apply(to: $0) }
        let parameterCount = state.parameters.count
        slices = (0..<TrainingConfiguration.slices).map { _ in Slice(parameters: parameterCount) }
        // One BLAS thread per slice thread: no oversubscription, and a fixed summation order.
        EngineThreads.setBLASThreads(1)
    }

    private static func check(_ train: LabelledClips, _ validation: LabelledClips?) throws(TrainingError) {
        guard train.count > 0 else { throw TrainingError(.invalidData, "there are no training clips") }
        guard train.labels.count >= 2 else {
            throw TrainingError(.invalidData, "training needs at least 2 labels, found \(train.labels.count)")
        }
        if let validation {
            guard validation.labels == train.labels, validation.features == train.features else {
                throw TrainingError(.invalidData, "validation labels or feature size differ from the training data's")
            }
        }
    }

    public var isFinished: Bool { state.isFinished }

    /// Minibatches in one epoch.
    public var batchesPerEpoch: Int {
        (train.count + state.configuration.batchSize - 1) / state.configuration.batchSize
    }

    /// Trains one epoch (shuffle, every minibatch, validation, early-stopping bookkeeping) and records it.
    @discardableResult
    public func runEpoch(progress: ((EpochProgress) -> Void)? = nil) -> EpochRecord {
        precondition(!isFinished, "the run is finished")
        let start = ContinuousClock.now
        let epoch = state.epochsCompleted + 1
        var order = Array(train.clips.indices)
        state.generator.shuffle(&order)
        let batchSize = state.configuration.batchSize
        let batches = (order.count + batchSize - 1) / batchSize
        var lossSum = 0.0, correct = 0, seen = 0
        for (number, first) in stride(from: 0, to: order.count, by: batchSize).enumerated() {
            let indices = Array(order[first..<min(first + batchSize, order.count)])
            let result = step(indices)
            lossSum += result.lossSum
            correct += result.correct
            seen += indices.count
            progress?(EpochProgress(epoch: epoch, batchesDone: number + 1, batchesTotal: batches,
                                    loss: lossSum / Double(seen), accuracy: Double(correct) / Double(seen)))
        }
        var record = EpochRecord(epoch: epoch, trainLoss: lossSum / Double(seen), trainAccuracy: Double(correct) / Double(seen),
                                 validationLoss: nil, validationAccuracy: nil, seconds: 0)
        if let validation, validation.count > 0 {
            let measured = evaluate(validation, parameters: state.parameters)
            record.validationLoss = measured.loss
            record.validationAccuracy = measured.accuracy
            if state.best.map({ measured.loss < $0.validationLoss }) ?? true {
                state.best = .init(epoch: epoch, validationLoss: measured.loss, parameters: state.parameters)
                state.epochsWithoutImprovement = 0
            } else {
                state.epochsWithoutImprovement += 1
                if let patience = state.configuration.patience, state.epochsWithoutImprovement >= patience {
                    state.stoppedEarly = true
                }
            }
        }
        let elapsed = ContinuousClock.now - start
        record.seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        state.history.append(record)
        return record
    }

    /// One Adam step on the mean loss of the clips at `indices`.
    private func step(_ indices: [Int]) -> (lossSum: Double, correct: Int) {
        let count = indices.count
        let parts = partition(indices)
        let scale = 1 / Float(count)
        let clips = train.clips
        let augmentation = state.configuration.augmentation
        // Drawn here, in minibatch order, so the slices' threads only compute.
        let draws = augmentation.isEnabled ? indices.map { _ in augmentation.draw(&state.generator) } : []
        let firstOfPart = parts.indices.map { s in parts[..<s].reduce(0) { $0 + $1.count } }
        let features = train.features
        let network = network
        let slices = slices
        state.parameters.withUnsafeBufferPointer { parameters in
            let pointer = SendablePointer(parameters.baseAddress!)
            DispatchQueue.concurrentPerform(iterations: parts.count) { s in
                let slice = slices[s]
                var members = parts[s].map { clips[$0] }
                if augmentation.isEnabled {
                    for (j, clip) in members.enumerated() {
                        members[j] = augmentation.apply(clip, features: features, draws[firstOfPart[s] + j])
                    }
                }
                let batch = Batch(clips: members, features: features)
                slice.result = network.lossAndGradient(batch, parameters: pointer.pointer, gradient: slice.gradient.pointer,
                                                       scale: scale, workspace: slice.workspace)
            }
        }
        var gradient = Array(UnsafeBufferPointer(start: slices[0].gradient.pointer, count: network.layout.count))
        gradient.withUnsafeMutableBufferPointer { total in
            for s in 1..<parts.count {
                let part = slices[s].gradient.pointer
                for i in 0..<total.count { total[i] += part[i] }
            }
        }
        if let clipNorm = state.configuration.clipNorm {
            GradientClipping.clip(&gradient, maxNorm: clipNorm)
        }
        state.applyUpdate(gradient)
        return slices.prefix(parts.count).reduce((0, 0)) { ($0.0 + $1.result.lossSum, $0.1 + $1.result.correct) }
    }

    /// Splits a minibatch into at most `slices` contiguous non-empty parts (fewer when it has fewer rows).
    private func partition(_ indices: [Int]) -> [[Int]] {
        let parts = min(slices.count, indices.count)
        let size = (indices.count + parts - 1) / parts
        return stride(from: 0, to: indices.count, by: size).map { Array(indices[$0..<min($0 + size, indices.count)]) }
    }

    /// The most probable class of each of `clips` (raw features, as loaded) under the run's final weights.
    public func predictions(_ clips: LabelledClips) -> [Int] {
        let standardized = state.standardization.apply(to: clips)
        let parameters = state.finalParameters
        return stride(from: 0, to: clips.count, by: 256).flatMap { first -> [Int] in
            let batch = Batch(clips: Array(standardized.clips[first..<min(first + 256, clips.count)]), features: clips.features)
            return network.clipProbabilities(batch, parameters: parameters).map(ClipLoss.argmax)
        }
    }

    /// Mean loss and accuracy of `parameters` on standardised `clips`.
    public func evaluate(_ clips: LabelledClips, parameters: [Float]) -> (loss: Double, accuracy: Double) {
        let chunk = 256
        var lossSum = 0.0, correct = 0
        let network = network
        let slices = slices
        let features = clips.features
        parameters.withUnsafeBufferPointer { parameters in
            let pointer = SendablePointer(parameters.baseAddress!)
            for first in stride(from: 0, to: clips.count, by: chunk) {
                let parts = partition(Array(first..<min(first + chunk, clips.count)))
                DispatchQueue.concurrentPerform(iterations: parts.count) { s in
                    let batch = Batch(clips: parts[s].map { clips.clips[$0] }, features: features)
                    slices[s].result = network.evaluate(batch, parameters: pointer.pointer, workspace: slices[s].workspace)
                }
                for s in parts.indices {
                    lossSum += slices[s].result.lossSum
                    correct += slices[s].result.correct
                }
            }
        }
        let n = Double(max(clips.count, 1))
        return (lossSum / n, Double(correct) / n)
    }
}

/// A read-only pointer handed to the slice threads, which only read through it while the caller waits.
private struct SendablePointer: @unchecked Sendable {
    let pointer: UnsafePointer<Float>
    init(_ pointer: UnsafePointer<Float>) { self.pointer = pointer }
}
