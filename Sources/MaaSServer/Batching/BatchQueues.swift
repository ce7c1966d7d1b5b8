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
    func queue(
        for version: ModelVersion, model: LoadedModel, audio: AudioBinding?,
        probe: @escaping @Sendable (@escaping @Sendable () -> BatchLayout?) async -> BatchLayout?
    ) async -> BatchQueue? {
        guard let serverSettings = self.settings, let audio else { return nil }
        let settings = Self.effective(serverSettings, version.batching)
        guard settings.maxBatchSize > 1 else { return nil }
        let axis: Int
        switch audio.layout {
        case .timeMajor: axis = 1
        case .batchMajor: axis = 0
        default: return nil
        }
        let key = Key(name: version.name, version: version.version)
        let pool = self.pool
        let task = queues.withLock { queues in
            if let task = queues[key] { return task }
            let task = Task<BatchQueue?, Never> {
                guard let layout = await probe({ BatchLayout.probe(model, inputAxes: [audio.input: axis]) }) else { return nil }
                return BatchQueue(model: model, layout: layout, settings: settings, pool: pool)
            }
            queues[key] = task
            return task
        }
        return await task.value
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
