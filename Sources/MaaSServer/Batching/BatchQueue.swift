import MaaSEngine
import MaaSProtocol
import Synchronization

/// Dynamic batching for one model version: concurrent Predicts whose inputs differ only along the batch
/// axis are joined, run once, and split back.
///
/// A batch starts when a worker slot is free and either `maxBatchSize` rows are waiting or `maxQueueDelay`
/// has passed since the oldest waiting request arrived (0: at once, so only what queued up while the
/// workers were busy is batched, and an idle server adds no latency). While a batch of the version runs,
/// another starts beside it (up to `maxInFlight` at a time) only when a full batch waits or the waiting
/// requests are heavy: at least `parallelWork` of a worker's CPU time by the version's recent batches
/// (`WorkEstimate`). Light rows are taken by the running worker as soon as it finishes, which costs them at
/// most one short batch's time, where a second worker would pay a whole model run for a few rows and put one
/// more busy thread on the cores the event loops need; heavy ones would wait long for it, so they take
/// another core. Requests are grouped by their shapes apart from the batch axis, and apart from the
/// sequence axis when the layout pads shorter sequences (`SequencePadding`, which also bounds the padding a
/// batch may hold); the waiting queue is bounded (RESOURCE_EXHAUSTED past it) and a request cancelled while
/// it waits (deadline, closed connection) leaves the queue.
///
/// A request may also arrive unprepared (an audio clip, `enqueue(preparing:)`): the worker that holds a slot
/// computes its inputs first, so clips gather in the queue while a batch runs, exactly as tensors do, and
/// their features are computed by the worker that then runs them.
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

    /// A request whose inputs are computed by the worker that takes it (`enqueue(preparing:)`).
    private struct Unprepared {
        let id: UInt64
        let prepare: Prepare
        let arrived: ContinuousClock.Instant
        let completion: Completion
    }

    /// Called once with a request's rows of the batch's outputs, or with why it did not run.
    typealias Completion = @Sendable (Result<[String: HostTensor], any Error>) -> Void
    /// Computes an unprepared request's inputs, on a worker.
    typealias Prepare = @Sendable () throws -> [String: HostTensor]

    private struct State {
        var waiting: [Item] = []
        /// In arrival order; each counts as one row until its inputs are known.
        var unprepared: [Unprepared] = []
        var nextID: UInt64 = 0
        /// Slots held by workers running batches, and by starts handed to the pool.
        var inFlight = 0
        /// Starts handed to the pool whose worker has not taken its batch yet.
        var pendingStarts = 0
        var timerArmed = false
        /// Also holds the cost estimate that decides a second batch beside a running one.
        var statistics = BatchStatistics()
    }

    /// Waiting work worth a second worker beside a running batch. On 2 cores with the reference speech model
    /// (0.1 ms a row), a second worker for fewer than a full batch's rows cost 17–23 % more CPU per call at
    /// concurrency 8 (two context switches per call instead of one); with 1 ms rows, keeping them for the
    /// running worker cost 40 % of the throughput. A millisecond is well above the first and below the second.
    static let parallelWork: Duration = .milliseconds(1)

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

    /// Batches so far, with what the version's recent batches cost.
    var statistics: BatchStatistics { state.withLock { $0.statistics } }

    /// Requests in the queue, not yet taken into a batch (or to be prepared) by a worker.
    var waitingRequests: Int { state.withLock { $0.waiting.count + $0.unprepared.count } }

    /// Counts a request of the version that ran without the queue (computed on an idle server's event loop,
    /// `LoopCompute`) as the batch of one it would have been here, so the statistics count every request.
    func recordAlone(_ inputs: [String: HostTensor]) {
        guard layout.accepts(inputs) else { return }
        let rows = layout.rows(of: inputs)
        state.withLock { $0.statistics.record(batchRows: rows, queueWaits: [.zero]) }
    }

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

    /// Adds a request whose inputs `prepare` computes on the worker that takes it into a batch; `completion`
    /// is called once, as for `enqueue`, also with `prepare`'s error. Inputs the layout cannot batch run alone.
    func enqueue(id: UInt64, preparing prepare: @escaping Prepare, completion: @escaping Completion) {
        let item = Unprepared(id: id, prepare: prepare, arrived: .now, completion: completion)
        let admitted = state.withLock { state -> Bool in
            guard state.waiting.count + state.unprepared.count < settings.maxWaiting else { return false }
            state.unprepared.append(item)
            return true
        }
        guard admitted else { return completion(.failure(queueFull)) }
        schedule()
    }

    /// Removes a request that is still waiting (its call was cancelled) and ends it with CancellationError.
    /// A request already in a batch runs to the end; one not enqueued yet is not affected.
    func cancel(_ id: UInt64) {
        let removed = state.withLock { state -> Completion? in
            if let index = state.waiting.firstIndex(where: { $0.id == id }) {
                return state.waiting.remove(at: index).completion
            }
            if let index = state.unprepared.firstIndex(where: { $0.id == id }) {
                return state.unprepared.remove(at: index).completion
            }
            return nil
        }
        removed?(.failure(CancellationError()))
    }

    private func admit(_ inputs: [String: HostTensor], id: UInt64, completion: @escaping Completion) -> Bool {
        let item = Item(
            id: id, inputs: inputs, group: layout.group(of: inputs), rows: layout.rows(of: inputs),
            length: layout.length(of: inputs), arrived: .now,
            completion: completion)
        let admitted = state.withLock { state -> Bool in
            guard state.waiting.count + state.unprepared.count < settings.maxWaiting else { return false }
            state.waiting.append(item)
            return true
        }
        if !admitted { completion(.failure(queueFull)) }
        return admitted
    }

    private var queueFull: RPCError {
        RPCError(
            .resourceExhausted, "the batching queue of this model version is full (\(settings.maxWaiting) waiting); retry later")
    }

    /// Takes a slot and hands it to a worker when a batch may start, or arms the delay timer when the oldest
    /// request must wait. One start is pending at a time: the worker picks its batch only when it begins
    /// (`runBatches`), so requests that arrive while it wakes up join that batch instead of each taking a slot.
    private func schedule() {
        let now = ContinuousClock.now
        let decision = state.withLock { state -> (start: Bool, armTimer: Duration?) in
            guard state.pendingStarts == 0, mayStart(state) else { return (false, nil) }
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

    /// Whether a worker may take a slot: the first whenever one is free, more only for a full batch or heavy
    /// requests waiting.
    private func mayStart(_ state: State) -> Bool {
        guard state.inFlight > 0 else { return true }
        guard state.inFlight < settings.maxInFlight else { return false }
        let rows = state.waiting.reduce(0) { $0 + $1.rows }
        return rows + state.unprepared.count >= settings.maxBatchSize
            || state.statistics.estimate.work(rows: rows, unprepared: state.unprepared.count) >= Self.parallelWork
    }

    /// How long until the oldest request's batch may start (zero: now); nil when nothing waits. Unprepared
    /// requests are due at once: nothing about their batch is known until their inputs are.
    private func readiness(_ state: State, now: ContinuousClock.Instant) -> Duration? {
        if !state.unprepared.isEmpty { return .zero }
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
        let failed = state.withLock { state -> [Completion] in
            state.inFlight -= 1
            state.pendingStarts -= 1
            let unprepared = takeUnprepared(&state)
            guard unprepared.isEmpty else { return unprepared.map(\.completion) }
            return takeBatch(&state, now: now)?.map(\.completion) ?? []
        }
        for completion in failed { completion(.failure(error)) }
        schedule()
    }

    /// On a worker that holds a slot (`pending`: handed to it by `schedule`): prepares the requests that need
    /// it, runs the ready batch, answers its requests, and goes on with the next in the same slot, so under load
    /// the worker does not go back to sleep and wait to be handed each batch. Gives the slot back when nothing
    /// is ready.
    private func runBatches(pending: Bool) {
        if pending { state.withLock { $0.pendingStarts -= 1 } }
        while true {
            prepareWaiting()
            guard let batch = state.withLock({ takeBatch(&$0, now: .now) }) else { break }
            // What is left may start on another worker meanwhile.
            schedule()
            let started = ThreadCPUClock.now()
            run(batch)
            let elapsed = ThreadCPUClock.now() - started
            let rows = batch.reduce(0) { $0 + $1.rows }
            state.withLock { $0.statistics.estimate.recordBatch(elapsed, rows: rows) }
        }
        state.withLock { $0.inFlight -= 1 }
        // A request that arrived after the last look found no free slot: look again now that there is one.
        schedule()
    }

    /// Computes the inputs of up to a batch of unprepared requests and queues them as ready ones. A request
    /// whose preparation fails is answered with the error; one whose inputs cannot be batched runs alone.
    private func prepareWaiting() {
        let items = state.withLock { takeUnprepared(&$0) }
        guard !items.isEmpty else { return }
        let started = ThreadCPUClock.now()
        var ready: [Item] = []
        for item in items {
            do {
                let inputs = try item.prepare()
                guard layout.accepts(inputs) else {
                    item.completion(Result { try model.run(inputs) })
                    continue
                }
                ready.append(Item(
                    id: item.id, inputs: inputs, group: layout.group(of: inputs), rows: layout.rows(of: inputs),
                    length: layout.length(of: inputs), arrived: item.arrived, completion: item.completion))
            } catch {
                item.completion(.failure(error))
            }
        }
        let elapsed = ThreadCPUClock.now() - started
        state.withLock { state in
            state.waiting.append(contentsOf: ready)
            state.statistics.estimate.recordPreparations(elapsed, count: items.count)
        }
    }

    /// Up to a batch of the oldest unprepared requests, out of the queue.
    private func takeUnprepared(_ state: inout State) -> [Unprepared] {
        let count = min(settings.maxBatchSize, state.unprepared.count)
        defer { state.unprepared.removeFirst(count) }
        return Array(state.unprepared.prefix(count))
    }

    private func run(_ batch: [Item]) {
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
    }
}
