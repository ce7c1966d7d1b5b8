import Dispatch
import MaaSEngine
import MaaSProtocol
import Synchronization
import Testing

@testable import MaaSServer

@Suite("BatchQueue", .timeLimit(.minutes(1)))
struct BatchQueueTests {
    private func loadMLP() throws -> LoadedModel {
        let compiled = try ModelCompiler.compile(onnx: try MLPFixture.modelBytes())
        return try LoadedModel.load(bytes: compiled.serialized())
    }

    private func settings(batch: Int = 8, delay: Duration = .zero, inFlight: Int = 1, waiting: Int = 64) -> BatchQueue.Settings {
        BatchQueue.Settings(maxBatchSize: batch, maxQueueDelay: delay, maxInFlight: inFlight, maxWaiting: waiting)
    }

    @Test("finds the batch axis of every output by running the model with 2 and 3 rows")
    func probe() throws {
        let model = try loadMLP()
        let layout = try #require(BatchLayout.probe(model, inputAxes: ["x": 0]))
        #expect(layout.outputAxes == ["y": 0])
        // An input axis that is not dynamic cannot be the batch axis.
        #expect(BatchLayout.probe(model, inputAxes: ["x": 1]) == nil)
        #expect(BatchLayout.probe(model, inputAxes: ["other": 0]) == nil)
    }

    @Test("batches requests that queue up while the worker is busy, and answers each with its own rows")
    func gathersWhileBusy() async throws {
        let expected = try MLPFixture.expected()
        let model = try loadMLP()
        let layout = try #require(BatchLayout.probe(model, inputAxes: ["x": 0]))
        let pool = InferencePool(workers: 1, queueDepth: 64)
        pool.start()
        let queue = BatchQueue(model: model, layout: layout, settings: settings(batch: 16), pool: pool)

        // Hold the only worker so the requests below gather in the queue.
        let gate = DispatchSemaphore(value: 0)
        let blocker = Task { try await pool.run { gate.wait() } }
        try await eventually { pool.admittedJobs == 1 }
        let first = Task {
            try await queue.run(["x": HostTensor(shape: expected.runs[0].x.shape, floats: expected.runs[0].x.values)])
        }
        // Its start is handed to the pool at once and waits behind the blocker; the batch is only formed when
        // the worker takes it, so the requests below join it.
        try await eventually { pool.admittedJobs == 2 && queue.waitingRequests == 1 }
        let requests = (0..<9).map { expected.runs[$0 % expected.runs.count] }
        let tasks = requests.map { run in
            Task { try await queue.run(["x": HostTensor(shape: run.x.shape, floats: run.x.values)]) }
        }
        try await eventually { queue.waitingRequests == 10 }
        #expect(pool.admittedJobs == 2, "one start at a time is handed to the pool")
        gate.signal()
        try await blocker.value
        _ = try await first.value
        for (task, run) in zip(tasks, requests) {
            let output = try #require(try await task.value["y"])
            #expect(output.shape == run.y.shape)
            let values = try #require(output.floats)
            #expect(zip(values, run.y.values).allSatisfy { abs($0 - $1) <= 1e-5 })
        }
        let statistics = queue.statistics
        #expect(statistics.rows == 1 + requests.reduce(0) { $0 + $1.x.shape[0] })
        #expect(statistics.batches < 1 + requests.count, "requests that waited together ran together")
        #expect(statistics.sizes.keys.contains { $0 > 5 })
        await pool.shutdown()
    }

    @Test("never puts more than maxBatchSize rows in a batch, unless one request alone has more")
    func respectsMaxBatchSize() async throws {
        let model = try loadMLP()
        let layout = try #require(BatchLayout.probe(model, inputAxes: ["x": 0]))
        let pool = InferencePool(workers: 1, queueDepth: 64)
        pool.start()
        let queue = BatchQueue(model: model, layout: layout, settings: settings(batch: 3), pool: pool)
        let gate = DispatchSemaphore(value: 0)
        let blocker = Task { try await pool.run { gate.wait() } }
        try await eventually { pool.admittedJobs == 1 }
        let rows = [1, 2, 2, 5, 1, 1]
        let tasks = rows.map { count in
            Task { try await queue.run(["x": HostTensor(shape: [count, 4], floats: [Float](repeating: 0.5, count: count * 4))]) }
        }
        try await eventually { queue.waitingRequests == rows.count }
        gate.signal()
        try await blocker.value
        for (task, count) in zip(tasks, rows) { #expect(try await task.value["y"]?.shape == [count, 3]) }
        #expect(queue.statistics.sizes.keys.allSatisfy { $0 <= 3 || $0 == 5 })
        await pool.shutdown()
    }

    @Test("keeps requests of different shapes apart")
    func groupsByShape() {
        let layout = BatchLayout(inputAxes: ["mfcc": 1], outputAxes: ["probs": 1])
        let short = ["mfcc": HostTensor(shape: [44, 1, 20], floats: [])]
        let long = ["mfcc": HostTensor(shape: [87, 1, 20], floats: [])]
        #expect(layout.group(of: short) != layout.group(of: long))
        #expect(layout.group(of: short) == layout.group(of: ["mfcc": HostTensor(shape: [44, 3, 20], floats: [])]))
        #expect(layout.rows(of: ["mfcc": HostTensor(shape: [44, 3, 20], floats: [])]) == 3)
        #expect(!layout.accepts(["mfcc": HostTensor(shape: [44, 0, 20], floats: [])]))
        #expect(!layout.accepts(["other": HostTensor(shape: [44, 1, 20], floats: [])]))
    }

    @Test("waits up to maxQueueDelay for company, then runs what it has")
    func delay() async throws {
        let model = try loadMLP()
        let layout = try #require(BatchLayout.probe(model, inputAxes: ["x": 0]))
        let pool = InferencePool(workers: 1, queueDepth: 64)
        pool.start()
        let queue = BatchQueue(model: model, layout: layout, settings: settings(batch: 64, delay: .milliseconds(300)), pool: pool)
        let first = Task { try await queue.run(["x": HostTensor(shape: [1, 4], floats: [1, 2, 3, 4])]) }
        try await Task.sleep(for: .milliseconds(50))
        let second = Task { try await queue.run(["x": HostTensor(shape: [1, 4], floats: [4, 3, 2, 1])]) }
        _ = try await first.value
        _ = try await second.value
        #expect(queue.statistics.sizes == [2: 1], "the second request arrived within the delay and joined the first")
        await pool.shutdown()
    }

    @Test("refuses requests past maxWaiting with RESOURCE_EXHAUSTED, and drops a cancelled waiting request")
    func boundedAndCancellable() async throws {
        let model = try loadMLP()
        let layout = try #require(BatchLayout.probe(model, inputAxes: ["x": 0]))
        let pool = InferencePool(workers: 1, queueDepth: 64)
        pool.start()
        let queue = BatchQueue(model: model, layout: layout, settings: settings(batch: 1, waiting: 2), pool: pool)
        let gate = DispatchSemaphore(value: 0)
        let blocker = Task { try await pool.run { gate.wait() } }
        try await eventually { pool.admittedJobs == 1 }
        let input = ["x": HostTensor(shape: [1, 4], floats: [1, 2, 3, 4])]
        // The first request's start waits behind the blocker; it still counts as waiting until a worker takes it.
        let first = Task { try await queue.run(input) }
        try await eventually { queue.waitingRequests == 1 }
        let second = Task { try await queue.run(input) }
        try await eventually { queue.waitingRequests == 2 }
        await #expect(throws: RPCError.self) { try await queue.run(input) }
        second.cancel()
        await #expect(throws: CancellationError.self) { try await second.value }
        #expect(queue.waitingRequests == 1)
        let third = Task { try await queue.run(input) }
        try await eventually { queue.waitingRequests == 2 }
        gate.signal()
        try await blocker.value
        #expect(try await first.value["y"]?.shape == [1, 3])
        #expect(try await third.value["y"]?.shape == [1, 3])
        #expect(queue.statistics.batches == 2)
        await pool.shutdown()
    }

    /// `queue.run` for a request whose inputs `prepare` computes on the worker that takes it.
    private func runPrepared(
        _ queue: BatchQueue, _ prepare: @escaping BatchQueue.Prepare
    ) async throws -> [String: HostTensor] {
        let id = queue.makeID()
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                queue.enqueue(id: id, preparing: prepare) { continuation.resume(with: $0) }
            }
        } onCancel: {
            queue.cancel(id)
        }
    }

    /// Starts a request whose preparation holds its worker until `release` is signalled, and waits until the
    /// worker is in it: a batch of the version is then under way.
    private func holdBatch(
        _ queue: BatchQueue, _ input: [String: HostTensor]
    ) async throws -> (held: Task<[String: HostTensor], any Error>, release: DispatchSemaphore) {
        let entered = PreparedCount()
        let release = DispatchSemaphore(value: 0)
        let held = Task {
            try await runPrepared(queue) {
                entered.count.withLock { $0 += 1 }
                release.wait()
                return input
            }
        }
        try await eventually { entered.count.withLock { $0 } > 0 }
        return (held, release)
    }

    @Test("requests prepared by the worker gather while it is busy and run as one batch; a failed or unbatchable one is answered alone")
    func preparedRequestsGather() async throws {
        let expected = try MLPFixture.expected()
        let model = try loadMLP()
        let layout = try #require(BatchLayout.probe(model, inputAxes: ["x": 0]))
        let pool = InferencePool(workers: 1, queueDepth: 64)
        pool.start()
        let queue = BatchQueue(model: model, layout: layout, settings: settings(batch: 16), pool: pool)
        let gate = DispatchSemaphore(value: 0)
        let blocker = Task { try await pool.run { gate.wait() } }
        try await eventually { pool.admittedJobs == 1 }

        let runs = (0..<4).map { expected.runs[$0 % expected.runs.count] }
        let prepared = PreparedCount()
        var good: [Task<[String: HostTensor], any Error>] = []
        for run in runs {
            let input = ["x": HostTensor(shape: run.x.shape, floats: run.x.values)]
            good.append(Task {
                try await runPrepared(queue) {
                    prepared.count.withLock { $0 += 1 }
                    return input
                }
            })
        }
        let failing = Task {
            try await runPrepared(queue) { throw RPCError(.invalidArgument, "audio: not a WAV file") }
        }
        let empty = ["x": HostTensor(shape: [0, 4], floats: [])]
        let unbatchable = Task { try await runPrepared(queue) { empty } }
        try await eventually { queue.waitingRequests == 6 }
        #expect(prepared.count.withLock { $0 } == 0, "nothing is computed before a worker takes the requests")
        #expect(pool.admittedJobs == 2, "one start is handed to the pool for all of them")
        gate.signal()
        try await blocker.value

        for (task, run) in zip(good, runs) {
            let output = try #require(try await task.value["y"])
            #expect(output.shape == run.y.shape)
            #expect(zip(try #require(output.floats), run.y.values).allSatisfy { abs($0 - $1) <= 1e-5 })
        }
        let error = await #expect(throws: RPCError.self) { try await failing.value }
        #expect(error?.message == "audio: not a WAV file")
        // Zero rows cannot join a batch: the request gets what the model says about it alone.
        let alone = Result { try model.run(empty) }
        switch (alone, await unbatchable.result) {
        case (.success(let one), .success(let other)): #expect(one["y"]?.shape == other["y"]?.shape)
        case (.failure, .failure): break
        default: Issue.record("the unbatchable request was not run alone: \(alone)")
        }
        let rows = runs.reduce(0) { $0 + $1.x.shape[0] }
        #expect(queue.statistics.sizes == [rows: 1], "the four good requests ran as one batch")
        await pool.shutdown()
    }

    @Test("while a batch runs, another starts beside it only when a full batch waits")
    func secondBatchWaitsForAFullBatch() async throws {
        let model = try loadMLP()
        let layout = try #require(BatchLayout.probe(model, inputAxes: ["x": 0]))
        let pool = InferencePool(workers: 2, queueDepth: 64)
        pool.start()
        let queue = BatchQueue(model: model, layout: layout, settings: settings(batch: 4, inFlight: 2), pool: pool)
        let input = ["x": HostTensor(shape: [1, 4], floats: [1, 2, 3, 4])]
        // A batch of this version is under way.
        let (held, release) = try await holdBatch(queue, input)
        let few = (0..<3).map { _ in Task { try await queue.run(input) } }
        // (Counting the rows already run as well, so that a queue that runs them at once fails here, not hangs.)
        try await eventually { queue.waitingRequests + queue.statistics.rows == 3 }
        try await Task.sleep(for: .milliseconds(100))
        #expect(queue.waitingRequests == 3, "three rows fit the running worker's next batch: no second batch")
        #expect(pool.admittedJobs == 1)

        let fourth = Task { try await queue.run(input) }
        for task in few + [fourth] { #expect(try await task.value["y"]?.shape == [1, 3]) }
        #expect(queue.statistics.sizes == [4: 1], "a full batch ran beside the one under way")
        release.signal()
        #expect(try await held.value["y"]?.shape == [1, 3])
        #expect(queue.statistics.sizes == [4: 1, 1: 1])
        await pool.shutdown()
    }

    @Test("heavy requests start beside a running batch at once; the version's recent batches tell them apart")
    func heavyRequestsTakeAnotherWorker() async throws {
        let model = try loadMLP()
        let layout = try #require(BatchLayout.probe(model, inputAxes: ["x": 0]))
        let pool = InferencePool(workers: 2, queueDepth: 64)
        pool.start()
        let queue = BatchQueue(model: model, layout: layout, settings: settings(batch: 8, inFlight: 2), pool: pool)
        let input = ["x": HostTensor(shape: [1, 4], floats: [1, 2, 3, 4])]
        let slow: BatchQueue.Prepare = {
            // Busy for 3 ms of this thread's CPU: the queue counts CPU time, not sleep or waiting for a core.
            let start = ThreadCPUClock.now()
            while ThreadCPUClock.now() - start < .milliseconds(3) {}
            return input
        }
        // Two requests whose preparation takes 3 ms of CPU teach the queue what this version's requests cost.
        for _ in 0..<2 { _ = try await runPrepared(queue, slow) }
        #expect(queue.statistics.estimate.preparationCost >= .milliseconds(3))

        let (held, release) = try await holdBatch(queue, input)
        let heavy = Task { try await runPrepared(queue, slow) }
        // (Polled for a while rather than awaited, so that a queue keeping it for the held worker fails here.)
        for _ in 0..<1000 where queue.statistics.batches < 3 { try await Task.sleep(for: .milliseconds(2)) }
        #expect(queue.statistics.batches == 3, "one waiting request worth 3 ms ran beside the held batch")
        release.signal()
        #expect(try await heavy.value["y"]?.shape == [1, 3])
        #expect(try await held.value["y"]?.shape == [1, 3])
        await pool.shutdown()
    }

    @Test("a prepared request cancelled while it waits leaves the queue without being prepared")
    func preparedCancelled() async throws {
        let model = try loadMLP()
        let layout = try #require(BatchLayout.probe(model, inputAxes: ["x": 0]))
        let pool = InferencePool(workers: 1, queueDepth: 64)
        pool.start()
        let queue = BatchQueue(model: model, layout: layout, settings: settings(batch: 8), pool: pool)
        let gate = DispatchSemaphore(value: 0)
        let blocker = Task { try await pool.run { gate.wait() } }
        try await eventually { pool.admittedJobs == 1 }
        let prepared = Mutex(false)
        let task = Task {
            try await runPrepared(queue) {
                prepared.withLock { $0 = true }
                return ["x": HostTensor(shape: [1, 4], floats: [1, 2, 3, 4])]
            }
        }
        try await eventually { queue.waitingRequests == 1 }
        task.cancel()
        try await Task.sleep(for: .milliseconds(50))
        #expect(queue.waitingRequests == 0)
        gate.signal()
        try await blocker.value
        await #expect(throws: CancellationError.self) { try await task.value }
        #expect(try await queue.run(["x": HostTensor(shape: [1, 4], floats: [1, 2, 3, 4])])["y"]?.shape == [1, 3])
        #expect(!prepared.withLock { $0 })
        await pool.shutdown()
    }

    @Test("when the pool refuses a batch's start, its requests fail with the pool's error instead of waiting")
    func poolRefusal() async throws {
        let model = try loadMLP()
        let layout = try #require(BatchLayout.probe(model, inputAxes: ["x": 0]))
        let pool = InferencePool(workers: 1, queueDepth: 0)
        pool.start()
        let queue = BatchQueue(model: model, layout: layout, settings: settings(batch: 8), pool: pool)
        let gate = DispatchSemaphore(value: 0)
        let blocker = Task { try await pool.run { gate.wait() } }
        try await eventually { pool.admittedJobs == 1 }
        let error = await #expect(throws: RPCError.self) {
            try await queue.run(["x": HostTensor(shape: [1, 4], floats: [1, 2, 3, 4])])
        }
        #expect(error?.code == .resourceExhausted)
        #expect(queue.waitingRequests == 0)
        // A request the worker would prepare fails the same way, unprepared.
        let prepared = Mutex(false)
        let unprepared = await #expect(throws: RPCError.self) {
            try await runPrepared(queue) {
                prepared.withLock { $0 = true }
                return ["x": HostTensor(shape: [1, 4], floats: [1, 2, 3, 4])]
            }
        }
        #expect(unprepared?.code == .resourceExhausted)
        #expect(queue.waitingRequests == 0)
        #expect(!prepared.withLock { $0 })
        gate.signal()
        try await blocker.value
        // The queue recovered: the next request runs.
        #expect(try await queue.run(["x": HostTensor(shape: [1, 4], floats: [1, 2, 3, 4])])["y"]?.shape == [1, 3])
        await pool.shutdown()
    }
}

/// Preparations run, shared by the tasks of a test.
private final class PreparedCount: Sendable {
    let count = Mutex(0)
}
