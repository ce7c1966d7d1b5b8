import MaaSEngine
import MaaSProtocol
import Synchronization

/// Dynamic batching for one model version: concurrent Predicts whose inputs differ only along the batch
/// axis are joined, run once, and split back.
///
/// A batch starts when a worker slot is free and either `maxBatchSize` rows are waiting or `maxQueueDelay`
/// has passed since the oldest waiting request arrived (0: at once, so only what queued up while the
/// workers were busy is batched, and an idle server adds no latency). At most `maxInFlight` batches of a
/// version run at a time, so under load requests gather instead of each taking a worker. Requests are
/// grouped by their shapes apart from the batch axis (clips of the same length batch together); the waiting
/// queue is bounded (RESOURCE_EXHAUSTED past it) and a request cancelled while it waits (deadline, closed
/// connection) leaves the queue.
final class BatchQueue: Sendable {
    struct Settings: Sendable, Equatable {
        var maxBatchSize: Int
        var maxQueueDelay: Duration
        var maxInFlight: Int
        var maxWaiting: Int
    }

    private struct Item {
        let id: UInt64
        let inputs: [String: HostTensor]
        let group: [String: [Int]]
        let rows: Int
        let arrived: ContinuousClock.Instant
        let continuation: CheckedContinuation<[String: HostTensor], any Error>
    }

    private struct State {
        var waiting: [Item] = []
        var nextID: UInt64 = 0
        var inFlight = 0
        var timerArmed = false
        var statistics = BatchStatistics()
    }

    let layout: BatchLayout
    let settings: Settings
    private let model: LoadedModel
    private let pool: InferencePool
    private let state = Mutex(State())

    init(model: LoadedModel, layout: BatchLayout, settings: Settings, pool: InferencePool) {
        self.model = model
        self.layout = layout
        self.settings = settings
        self.pool = pool
    }

    var statistics: BatchStatistics { state.withLock { $0.statistics } }

    /// Runs `inputs` (each with its rows along the layout's batch axis) as part of a batch.
    func run(_ inputs: [String: HostTensor]) async throws -> [String: HostTensor] {
        let group = layout.group(of: inputs)
        let rows = layout.rows(of: inputs)
        let id = state.withLock { state -> UInt64 in
            state.nextID += 1
            return state.nextID
        }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                let item = Item(
                    id: id, inputs: inputs, group: group, rows: rows, arrived: .now, continuation: continuation)
                let admitted = state.withLock { state -> Bool in
                    guard state.waiting.count < settings.maxWaiting else { return false }
                    state.waiting.append(item)
                    return true
                }
                guard admitted else {
                    continuation.resume(throwing: RPCError(
                        .resourceExhausted,
                        "the batching queue of this model version is full (\(settings.maxWaiting) waiting); retry later"))
                    return
                }
                schedule()
            }
        } onCancel: {
            let removed = state.withLock { state -> Item? in
                guard let index = state.waiting.firstIndex(where: { $0.id == id }) else { return nil }
                return state.waiting.remove(at: index)
            }
            removed?.continuation.resume(throwing: CancellationError())
        }
    }

    /// Starts every batch that may start now, and arms the delay timer when the oldest request must wait.
    private func schedule() {
        while let batch = nextBatch() {
            start(batch)
        }
    }

    /// The next batch that may start, taking an in-flight slot for it unless the caller already holds one.
    private func nextBatch(holdingSlot: Bool = false) -> [Item]? {
        let now = ContinuousClock.now
        let decision = state.withLock { state -> (batch: [Item]?, armTimer: Duration?) in
            guard holdingSlot || state.inFlight < settings.maxInFlight, let oldest = state.waiting.first else {
                return (nil, nil)
            }
            let compatibleRows = state.waiting.lazy.filter { $0.group == oldest.group }.reduce(0) { $0 + $1.rows }
            let waited = now - oldest.arrived
            guard compatibleRows >= settings.maxBatchSize || waited >= settings.maxQueueDelay else {
                guard !state.timerArmed else { return (nil, nil) }
                state.timerArmed = true
                return (nil, settings.maxQueueDelay - waited)
            }
            var batch: [Item] = []
            var rows = 0
            var remaining: [Item] = []
            for item in state.waiting {
                if item.group == oldest.group, batch.isEmpty || rows + item.rows <= settings.maxBatchSize {
                    batch.append(item)
                    rows += item.rows
                } else {
                    remaining.append(item)
                }
            }
            state.waiting = remaining
            if !holdingSlot { state.inFlight += 1 }
            state.statistics.record(batchRows: rows, queueWaits: batch.map { now - $0.arrived })
            return (batch, nil)
        }
        if let delay = decision.armTimer {
            Task {
                try? await Task.sleep(for: delay)
                self.state.withLock { $0.timerArmed = false }
                self.schedule()
            }
        }
        return decision.batch
    }

    /// Hands `first` to a worker, which keeps running the batches that are ready after it (see `runBatches`).
    private func start(_ first: [Item]) {
        Task {
            do {
                try await pool.run { self.runBatches(first) }
            } catch {
                // The pool refused the job (full, or shutting down): nothing ran.
                state.withLock { $0.inFlight -= 1 }
                for item in first { item.continuation.resume(throwing: error) }
                schedule()
            }
        }
    }

    /// On a worker: runs a batch, answers its requests, and goes on with the next ready batch in the same slot,
    /// so under load the worker does not go back to sleep and wait to be handed each batch.
    private func runBatches(_ first: [Item]) {
        var batch = first
        while true {
            let result: Result<[[String: HostTensor]], any Error>
            do {
                let outputs = try model.run(layout.join(batch.map(\.inputs)))
                result = .success(try layout.split(outputs, rows: batch.map(\.rows)))
            } catch {
                result = .failure(error)
            }
            switch result {
            case .success(let parts):
                for (item, part) in zip(batch, parts) { item.continuation.resume(returning: part) }
            case .failure(let error):
                for item in batch { item.continuation.resume(throwing: error) }
            }
            guard let next = nextBatch(holdingSlot: true) else { break }
            batch = next
        }
        state.withLock { $0.inFlight -= 1 }
        // A request that arrived after the last look found no free slot: look again now that there is one.
        schedule()
    }
}
