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

    private let queues = Mutex<[Key: Task<BatchQueue?, Never>]>([:])
    private let settings: BatchQueue.Settings?
    private let pool: InferencePool

    /// - Parameter settings: the server's; a version's own `batching` overrides them. nil turns batching off.
    init(settings: BatchQueue.Settings?, pool: InferencePool) {
        self.settings = settings
        self.pool = pool
    }

    /// The queue for `version`, or nil when it is not batched.
    ///
    /// The batch axis of each input comes from the audio front-end's layout; for a tensor-only version it is
    /// each input's only dynamic dimension (a version whose inputs have several, such as [T, B, F] without a
    /// front-end to say which is the batch, is not batched). The probe then checks that outputs follow and
    /// that rows stay independent.
    func queue(
        for version: ModelVersion, model: LoadedModel, audio: AudioBinding?,
        probe: @escaping @Sendable (@escaping @Sendable () -> BatchLayout?) async -> BatchLayout?
    ) async -> BatchQueue? {
        guard let serverSettings = self.settings else { return nil }
        let key = Key(name: version.name, version: version.version)
        let pool = self.pool
        // Decided once per version; every later Predict only looks the answer up.
        let task = queues.withLock { queues in
            if let task = queues[key] { return task }
            let settings = Self.effective(serverSettings, version.batching)
            let task: Task<BatchQueue?, Never>
            if settings.maxBatchSize > 1, let inputAxes = Self.inputAxes(model: model, audio: audio) {
                task = Task {
                    guard let layout = await probe({ BatchLayout.probe(model, inputAxes: inputAxes) }) else { return nil }
                    return BatchQueue(model: model, layout: layout, settings: settings, pool: pool)
                }
            } else {
                task = Task { nil }
            }
            queues[key] = task
            return task
        }
        return await task.value
    }

    /// Each input's batch axis: from the front-end's layout, else each input's sole dynamic axis; nil when
    /// neither says.
    private static func inputAxes(model: LoadedModel, audio: AudioBinding?) -> [String: Int]? {
        guard let audio else { return soleDynamicAxes(model.inputs) }
        switch audio.layout {
        case .timeMajor: return [audio.input: 1]
        case .batchMajor: return [audio.input: 0]
        default: return nil
        }
    }

    /// The statistics of every version batched so far, by name and version.
    func statistics() async -> [(version: (name: String, version: Int64), statistics: BatchStatistics)] {
        let tasks = queues.withLock { $0 }
        var all: [(version: (name: String, version: Int64), statistics: BatchStatistics)] = []
        for (key, task) in tasks.sorted(by: { ($0.key.name, $0.key.version) < ($1.key.name, $1.key.version) }) {
            if let queue = await task.value { all.append(((key.name, key.version), queue.statistics)) }
        }
        return all
    }

    /// Each input's only dynamic dimension, or nil when some input has none or several.
    static func soleDynamicAxes(_ inputs: [TensorSignature]) -> [String: Int]? {
        var axes: [String: Int] = [:]
        for input in inputs {
            let dynamic = input.shape.indices.filter { input.shape[$0] < 0 }
            guard dynamic.count == 1 else { return nil }
            axes[input.name] = dynamic[0]
        }
        return axes.isEmpty ? nil : axes
    }

    /// The server's settings with a version's own overrides applied.
    static func effective(_ server: BatchQueue.Settings, _ own: BatchingConfig?) -> BatchQueue.Settings {
        var settings = server
        if let own {
            if own.maxBatchSize > 0 { settings.maxBatchSize = Int(own.maxBatchSize) }
            if let delay = own.maxQueueDelayMicroseconds { settings.maxQueueDelay = .microseconds(delay) }
        }
        return settings
    }
}
