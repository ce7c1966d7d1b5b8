import MaaSEngine
import MaaSModelConfig
import MaaSProtocol

/// The batch queue of each version that can be batched, made on first use (its layout probe runs the model
/// twice) and kept; versions that cannot be batched are remembered as such.
final class BatchQueues: Sendable {
    private struct Key: Hashable {
        let name: String
        let version: Int64
    }

    /// Each version's decision: its queue, or nil when it is not batched.
    private let decisions = SettledTasks<Key, BatchQueue?>()
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
        // Decided once per version; every later Predict only looks the answer up. (The task never throws.)
        return try? await decisions.value(for: key) {
            let settings = Self.effective(serverSettings, version.batching)
            let candidates = Self.candidates(model: model, audio: audio)
            guard settings.maxBatchSize > 1, !candidates.isEmpty else { return Task { nil } }
            return Task {
                let found = await probe {
                    candidates.lazy.compactMap {
                        BatchLayout.probe(model, inputAxes: $0.inputAxes, sequence: settings.padSequences ? $0.sequence : nil)
                    }.first
                }
                guard let layout = found else { return nil }
                return BatchQueue(model: model, layout: layout, settings: settings, pool: pool)
            }
        }
    }

    /// The queue of a version whose decision is made: `.some(nil)` when it is not batched, nil while the probe
    /// runs or before its first Predict.
    func decidedQueue(name: String, version: Int64) -> BatchQueue?? {
        guard settings != nil else { return .some(nil) }
        return decisions.settled(Key(name: name, version: version))
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
        guard let decided = try? await decisions.existing(Key(name: name, version: version)) else { return nil }
        return decided
    }

    /// The statistics of every version batched so far, by name and version.
    func statistics() async -> [(version: (name: String, version: Int64), statistics: BatchStatistics)] {
        var all: [(version: (name: String, version: Int64), statistics: BatchStatistics)] = []
        for key in decisions.keys.sorted(by: { ($0.name, $0.version) < ($1.name, $1.version) }) {
            if let queue = await existingQueue(name: key.name, version: key.version) {
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
