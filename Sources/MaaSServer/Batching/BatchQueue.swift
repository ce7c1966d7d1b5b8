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
/// grouped by their shapes apart from the batch axis, and apart from the sequence axis when the layout pads
/// shorter sequences (`SequencePadding`, which also bounds the padding a batch may hold); the waiting
/// queue is bounded (RESOURCE_EXHAUSTED past it) and a request cancelled while it waits (deadline, closed
/// connection) leaves the queue.
final class BatchQueue: Sendable {
    struct Settings: Sendable, Equatable {
        var maxBatchSize: Int
        var maxQueueDelay: Duration
        var maxInFlight: Int
        var maxWaiting: Int
        /// Whether the probe may let sequences of different lengths share a padded batch.
        var padSequences = true
    }

    private struct Item {
        let id: UInt64
        let inputs: [String: HostTensor]
        let group: [String: [Int]]
        let rows: Int
        /// Along the padded sequence axis; 0 when the layout pads nothing.
        let length: Int
        let arrived: ContinuousClock.Instant
        let completion: Completion
    }

    /// Called once with a request's rows of the batch's outputs, or with why it did not run.
    typealias Completion = @Sendable (Result<[String: HostTensor], any Error>) -> Void

    private struct State {
        var waiting: [Item] = []
        var nextID: UInt64 = 0
        /// Slots held by workers running batches, and by starts handed to the pool.
        var inFlight = 0
        /// Starts handed to the pool whose worker has not taken its batch yet.
        var pendingStarts = 0
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

    /// Requests in the queue, not yet taken into a batch by a worker.
    var waitingRequests: Int { state.withLock { $0.waiting.count } }

    /// Runs `inputs` (each with its rows along the layout's batch axis) as part of a batch.
    func run(_ inputs: [String: HostTensor]) async throws -> [String: HostTensor] {
        let id = makeID()
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                enqueue(inputs, id: id) { continuation.resume(with: $0) }
            }
        } onCancel: {
            cancel(id)
        }
    }

    /// The id a request waits under; taken before it is enqueued so that it can be cancelled from then on.
    func makeID() -> UInt64 {
        state.withLock { state in
            state.nextID += 1
            return state.nextID
        }
    }

    /// Adds a request to the queue from any thread; `completion` is called once, on a worker or right here
    /// (queue full). Batches that can start now are handed to workers.
    func enqueue(_ inputs: [String: HostTensor], id: UInt64, completion: @escaping Completion) {
        guard admit(inputs, id: id, completion: completion) else { return }
        schedule()
    }

    /// `enqueue` for a caller that is itself running on an inference worker (audio features were computed
    /// there). When no other job waits for a worker, the batch runs in this thread rather than waking another
    /// worker while this one goes back to sleep; when jobs wait (their features would join this batch), the
    /// batch starts behind them as usual.
    func enqueueOnWorker(_ inputs: [String: HostTensor], id: UInt64, completion: @escaping Completion) {
        guard admit(inputs, id: id, completion: completion) else { return }
        guard !pool.hasWaitingJobs else { return schedule() }
        let slot = state.withLock { state -> Bool in
            guard state.pendingStarts == 0, state.inFlight < settings.maxInFlight else { return false }
            state.inFlight += 1
            return true
        }
        if slot { runBatches(pending: false) } else { schedule() }
    }

    /// Removes a request that is still waiting (its call was cancelled) and ends it with CancellationError.
    /// A request already in a batch runs to the end; one not enqueued yet is not affected.
    func cancel(_ id: UInt64) {
        let removed = state.withLock { state -> Item? in
            guard let index = state.waiting.firstIndex(where: { $0.id == id }) else { return nil }
            return state.waiting.remove(at: index)
        }
        removed?.completion(.failure(CancellationError()))
    }

    private func admit(_ inputs: [String: HostTensor], id: UInt64, completion: @escaping Completion) -> Bool {
        let item = Item(
            id: id, inputs: inputs, group: layout.group(of: inputs), rows: layout.rows(of: inputs),
            length: layout.length(of: inputs), arrived: .now,
            completion: completion)
        let admitted = state.withLock { state -> Bool in
            guard state.waiting.count < settings.maxWaiting else { return false }
            state.waiting.append(item)
            return true
        }
        if !admitted {
            completion(.failure(RPCError(
                .resourceExhausted,
                "the batching queue of this model version is full (\(settings.maxWaiting) waiting); retry later")))
        }
        return admitted
    }

    /// Takes a slot and hands it to a worker when a batch may start, or arms the delay timer when the oldest
    /// request must wait. One start is pending at a time: the worker picks its batch only when it begins
    /// (`runBatches`), so requests that arrive while it wakes up join that batch instead of each taking a slot.
    private func schedule() {
        let now = ContinuousClock.now
        let decision = state.withLock { state -> (start: Bool, armTimer: Duration?) in
            guard state.pendingStarts == 0, state.inFlight < settings.maxInFlight else { return (false, nil) }
            switch readiness(state, now: now) {
            case nil:
                return (false, nil)
            case .some(.zero):
                state.inFlight += 1
                state.pendingStarts += 1
                return (true, nil)
            case .some(let wait):
                guard !state.timerArmed else { return (false, nil) }
                state.timerArmed = true
                return (false, wait)
            }
        }
        if let delay = decision.armTimer {
            Task {
                try? await Task.sleep(for: delay)
                self.state.withLock { $0.timerArmed = false }
                self.schedule()
            }
        }
        guard decision.start else { return }
        do {
            try pool.submit {
                self.runBatches(pending: true)
            } notRun: {
                self.refuse(InferencePool.notRunError)
            }
        } catch {
            refuse(error)
        }
    }

    /// How long until the oldest request's batch may start (zero: now); nil when nothing waits.
    private func readiness(_ state: State, now: ContinuousClock.Instant) -> Duration? {
        guard let oldest = state.waiting.first else { return nil }
        let compatibleRows = state.waiting.lazy.filter { $0.group == oldest.group }.reduce(0) { $0 + $1.rows }
        let waited = now - oldest.arrived
        guard compatibleRows < settings.maxBatchSize, waited < settings.maxQueueDelay else { return .zero }
        return settings.maxQueueDelay - waited
    }

    /// The batch that may start now, taken out of the queue by a worker that holds a slot.
    private func takeBatch(_ state: inout State, now: ContinuousClock.Instant) -> [Item]? {
        guard readiness(state, now: now) == .zero, let oldest = state.waiting.first else { return nil }
        var batch: [Item] = []
        var rows = 0
        var longest = 0
        var frames = 0
        var remaining: [Item] = []
        for item in state.waiting {
            if item.group == oldest.group,
                batch.isEmpty
                    || (rows + item.rows <= settings.maxBatchSize
                        && SequencePadding.fits(
                            rows: item.rows, length: item.length, batchRows: rows, longest: longest, frames: frames))
            {
                batch.append(item)
                rows += item.rows
                longest = max(longest, item.length)
                frames += item.rows * item.length
            } else {
                remaining.append(item)
            }
        }
        state.waiting = remaining
        state.statistics.record(
            batchRows: rows, queueWaits: batch.map { now - $0.arrived }, paddingFrames: rows * longest - frames)
        return batch
    }

    /// The pool refused the pending start (full, or shutting down): the batch it would have run fails with
    /// `error` rather than waiting for a slot that may never come.
    private func refuse(_ error: RPCError) {
        let now = ContinuousClock.now
        let batch = state.withLock { state -> [Item]? in
            state.inFlight -= 1
            state.pendingStarts -= 1
            return takeBatch(&state, now: now)
        }
        for item in batch ?? [] { item.completion(.failure(error)) }
        schedule()
    }

    /// On a worker that holds a slot (`pending`: handed to it by `schedule`): runs the ready batch, answers its
    /// requests, and goes on with the next ready batch in the same slot, so under load the worker does not go
    /// back to sleep and wait to be handed each batch. Gives the slot back when nothing is ready.
    private func runBatches(pending: Bool) {
        var next = state.withLock { state -> [Item]? in
            if pending { state.pendingStarts -= 1 }
            return takeBatch(&state, now: .now)
        }
        // What is left may start on another worker meanwhile.
        if next != nil { schedule() }
        while let batch = next {
            let result: Result<[[String: HostTensor]], any Error>
            do {
                if batch.count == 1 {
                    // Alone (an idle server's usual case): nothing to join or split.
                    result = .success([try model.run(batch[0].inputs)])
                } else {
                    let rows = batch.map(\.rows), lengths = batch.map(\.length)
                    let outputs = try model.run(
                        layout.join(batch.map(\.inputs)), rowLengths: layout.rowLengths(rows: rows, lengths: lengths))
                    result = .success(try layout.split(outputs, rows: rows, lengths: lengths))
                }
            } catch {
                result = .failure(error)
            }
            switch result {
            case .success(let parts):
                for (item, part) in zip(batch, parts) { item.completion(.success(part)) }
            case .failure(let error):
                for item in batch { item.completion(.failure(error)) }
            }
            next = state.withLock { takeBatch(&$0, now: .now) }
        }
        state.withLock { $0.inFlight -= 1 }
        // A request that arrived after the last look found no free slot: look again now that there is one.
        schedule()
    }
}
