import Dispatch
import Foundation
import MaaSProtocol
import Synchronization
import Testing

@testable import MaaSServer

@Suite("InferencePool", .timeLimit(.minutes(1)))
struct InferencePoolTests {
    @Test("admits workers + queueDepth jobs and refuses the next at once with RESOURCE_EXHAUSTED")
    func bounded() async throws {
        let pool = InferencePool(workers: 1, queueDepth: 2)
        pool.start()
        let gate = DispatchSemaphore(value: 0)
        let running = (0..<3).map { index in Task { try await pool.run { gate.wait(); return index } } }
        try await eventually { pool.admittedJobs == 3 }
        await #expect(throws: RPCError.self) {
            try await pool.run { 42 }
        }
        for _ in running { gate.signal() }
        var results: [Int] = []
        for task in running { results.append(try await task.value) }
        #expect(results == [0, 1, 2])
        #expect(pool.admittedJobs == 0)
        #expect(try await pool.run { 42 } == 42)
        await pool.shutdown()
    }

    @Test("drops a waiting job whose caller was cancelled instead of running it")
    func cancelledWhileWaiting() async throws {
        let pool = InferencePool(workers: 1, queueDepth: 1)
        pool.start()
        let gate = DispatchSemaphore(value: 0)
        let blocker = Task { try await pool.run { gate.wait() } }
        try await eventually { pool.admittedJobs == 1 }
        let waiting = Task { try await pool.run { true } }
        try await eventually { pool.admittedJobs == 2 }
        waiting.cancel()
        gate.signal()
        try await blocker.value
        await #expect(throws: CancellationError.self) { try await waiting.value }
        await pool.shutdown()
    }

    @Test("submit counts against the same bound, refuses at once when full, and frees its place when the job ends")
    func submitBounded() async throws {
        let pool = InferencePool(workers: 1, queueDepth: 1)
        pool.start()
        let gate = DispatchSemaphore(value: 0)
        let ran = Mutex(0)
        for _ in 0..<2 {
            try pool.submit({ gate.wait(); ran.withLock { $0 += 1 } }, notRun: {})
        }
        #expect(pool.admittedJobs == 2)
        #expect(throws: RPCError.self) { try pool.submit({}, notRun: {}) }
        gate.signal()
        gate.signal()
        try await eventually { pool.admittedJobs == 0 }
        #expect(ran.withLock { $0 } == 2)
        await pool.shutdown()
    }

    @Test("a job submitted after shutdown is not run: its notRun is called instead")
    func submitAfterShutdown() async throws {
        let pool = InferencePool(workers: 1, queueDepth: 4)
        pool.start()
        await pool.shutdown()
        let outcome = Mutex<String?>(nil)
        try pool.submit({ outcome.withLock { $0 = "ran" } }, notRun: { outcome.withLock { $0 = "not run" } })
        try await eventually { outcome.withLock { $0 } != nil }
        #expect(outcome.withLock { $0 } == "not run")
        #expect(pool.admittedJobs == 0)
    }
}
