import MaaSEngine
import MaaSModelConfig
import MaaSProtocol
import Synchronization

/// The batch queue of each version that can be batched, made on first use (its layout probe runs the model
/// twice) and kept; versions that cannot be batched are remembered as such.
final class BatchQueues: Sendable {
    private struct Key: Hashable {
        let name: String
        let version: Int64
    }

    private enum Decision {
        case deciding(Task<BatchQueue?, Never>)
        /// Kept apart from its task so that a call can take it without suspending (`decidedQueue`).
        case decided(BatchQueue?)
    }

    private let queues = Mutex<[Key: Decision]>([:])
    private let settings: BatchQueue.Settings?
    private let pool: InferencePool

    /// - Parameter settings: the server's; a version's own `batching` overrides them. nil turns batching off.
    init(settings: BatchQueue.Settings?, pool: InferencePool) {
        self.settings = settings
        self.pool = pool
    }

    /// The queue for `version`, or nil when it is not batched.
    ///
    /// The batch axis of each input comes from the audio front-end's layout, or for a tensor-only version from
    /// the model's dynamic dimensions (`candidates`); the probe keeps the first candidate whose outputs follow
    /// the rows and whose rows stay independent, and finds whether sequences of different lengths may be
    /// padded to share a batch.
    func queue(
        for version: ModelVersion, model: LoadedModel, audio: AudioBinding?,
        probe: @escaping @Sendable (@escaping @Sendable () -> BatchLayout?) async -> BatchLayout?
    ) async -> BatchQueue? {
        guard let serverSettings = self.settings else { return nil }
        let key = Key(name: version.name, version: version.version)
        let pool = self.pool
        // Decided once per version; every later Predict only looks the answer up.
        let decision = queues.withLock { queues in
            if let decision = queues[key] { return decision }
            let settings = Self.effective(serverSettings, version.batching)
            let task: Task<BatchQueue?, Never>
            let candidates = Self.candidates(model: model, audio: audio)
            if settings.maxBatchSize > 1, !candidates.isEmpty {
                task = Task {
                    let found = await probe {
                        candidates.lazy.compactMap {
                            BatchLayout.probe(model, inputAxes: $0.inputAxes, sequence: settings.padSequences ? $0.sequence : nil)
                        }.first
                    }
                    guard let layout = found else { return nil }
                    return BatchQueue(model: model, layout: layout, settings: settings, pool: pool)
                }
            } else {
                task = Task { nil }
            }
            queues[key] = .deciding(task)
            return .deciding(task)
        }
        return await settle(decision, key: key)
    }

    /// The queue of a version whose decision is made: `.some(nil)` when it is not batched, nil while the probe
    /// runs or before its first Predict.
    func decidedQueue(name: String, version: Int64) -> BatchQueue?? {
        guard settings != nil else { return .some(nil) }
        return queues.withLock { queues in
            guard case .decided(let queue)? = queues[Key(name: name, version: version)] else { return nil }
            return .some(queue)
        }
    }

    /// The decision's queue, recorded as decided once its probe has ended.
    private func settle(_ decision: Decision, key: Key) async -> BatchQueue? {
        switch decision {
        case .decided(let queue):
            return queue
        case .deciding(let task):
            let queue = await task.value
            queues.withLock { queues in
                if case .deciding(task)? = queues[key] { queues[key] = .decided(queue) }
            }
            return queue
        }
    }

    /// The batch axis of each input, and the sequence axis that may differ in length, to probe in this order.
    ///
    /// An audio input's come from the front-end's layout ([T, B, F] or [B, T, F]; a [T, F] input has no batch
    /// axis). A tensor-only version's come from its dynamic dimensions: each input's only one is its batch
    /// axis, except that one input may have two, one the batch and the other the sequence, tried both ways
    /// round (for [T, B, F] the probe refuses T, whose rows are not independent, and keeps B).
    static func candidates(
        model: LoadedModel, audio: AudioBinding?
    ) -> [(inputAxes: [String: Int], sequence: BatchLayout.SequenceAxis?)] {
        if let audio {
            switch audio.layout {
            case .timeMajor: return [([audio.input: 1], .init(input: audio.input, axis: 0))]
            case .batchMajor: return [([audio.input: 0], .init(input: audio.input, axis: 1))]
            default: return []
            }
        }
        var axes: [String: Int] = [:]
        var pair: (input: String, first: Int, second: Int)? = nil
        for input in model.inputs {
            let dynamic = input.shape.indices.filter { input.shape[$0] < 0 }
            switch dynamic.count {
            case 1:
                axes[input.name] = dynamic[0]
            case 2 where pair == nil:
                pair = (input.name, dynamic[0], dynamic[1])
            default:
                return []
            }
        }
        guard let (input, first, second) = pair else { return axes.isEmpty ? [] : [(axes, nil)] }
        return [(first, second), (second, first)].map { batch, sequence in
            var withPair = axes
            withPair[input] = batch
            return (withPair, .init(input: input, axis: sequence))
        }
    }

    /// The queue of a version already decided, or nil (not batched, or no Predict yet).
    func existingQueue(name: String, version: Int64) async -> BatchQueue? {
        let key = Key(name: name, version: version)
        guard let decision = queues.withLock({ $0[key] }) else { return nil }
        return await settle(decision, key: key)
    }

    /// The statistics of every version batched so far, by name and version.
    func statistics() async -> [(version: (name: String, version: Int64), statistics: BatchStatistics)] {
        let decisions = queues.withLock { $0 }
        var all: [(version: (name: String, version: Int64), statistics: BatchStatistics)] = []
        for (key, decision) in decisions.sorted(by: { ($0.key.name, $0.key.version) < ($1.key.name, $1.key.version) }) {
            if let queue = await settle(decision, key: key) {
                all.append(((key.name, key.version), queue.statistics))
            }
        }
        return all
    }

    /// The server's settings with a version's own overrides applied.
    static func effective(_ server: BatchQueue.Settings, _ own: BatchingConfig?) -> BatchQueue.Settings {
        var settings = server
        if let own {
            if own.maxBatchSize > 0 { settings.maxBatchSize = Int(own.maxBatchSize) }
            if let delay = own.maxQueueDelayMicroseconds { settings.maxQueueDelay = .microseconds(delay) }
            if let pad = own.padSequences { settings.padSequences = pad }
        }
        return settings
    }
}
