import Dispatch
import Foundation
import Synchronization
import Testing

@testable import MaaSServer

@Suite("WorkerThreads", .timeLimit(.minutes(1)))
struct WorkerThreadsTests {
    /// Submits `job` and waits until it has run, returning the name of the thread it ran on.
    private static func runOne(on threads: WorkerThreads) async -> String? {
        await withCheckedContinuation { continuation in
            threads.submit { state in
                #expect(state == .active)
                continuation.resume(returning: Thread.current.name)
            }
        }
    }

    @Test("jobs one after the other all go to the worker that went idle last")
    func lastIdleWorkerTakesTheJob() async throws {
        let threads = WorkerThreads(count: 3, name: "lifo-test")
        threads.start()
        var names: Set<String?> = []
        for _ in 0..<50 {
            // Each job is submitted once the last one's worker is asleep again, as on an idle server.
            try await eventually { threads.idleWorkers == 3 }
            names.insert(await Self.runOne(on: threads))
        }
        #expect(names.count == 1)
        #expect(names.first??.hasPrefix("lifo-test-") == true)
        await threads.shutdown()
    }

    @Test("jobs at once run on different workers at the same time")
    func concurrent() async throws {
        let threads = WorkerThreads(count: 2, name: "pair-test")
        threads.start()
        let first = DispatchSemaphore(value: 0), second = DispatchSemaphore(value: 0)
        let names = Mutex<[String]>([])
        let done = DispatchSemaphore(value: 0)
        // Each waits for the other to have started: only two workers at once can finish.
        threads.submit { _ in
            first.signal()
            second.wait()
            names.withLock { $0.append(Thread.current.name ?? "") }
            done.signal()
        }
        threads.submit { _ in
            second.signal()
            first.wait()
            names.withLock { $0.append(Thread.current.name ?? "") }
            done.signal()
        }
        try await eventually { names.withLock { $0.count } == 2 }
        done.wait()
        done.wait()
        #expect(Set(names.withLock { $0 }).count == 2)
        await threads.shutdown()
    }

    @Test("shutdown finishes the running job, cancels queued ones, and later jobs are cancelled at once")
    func shutdown() async throws {
        let threads = WorkerThreads(count: 1, name: "stop-test")
        threads.start()
        let gate = DispatchSemaphore(value: 0)
        let outcomes = Mutex<[String]>([])
        let started = Mutex(false)
        threads.submit { state in
            started.withLock { $0 = true }
            gate.wait()
            outcomes.withLock { $0.append("first \(state)") }
        }
        try await eventually { started.withLock { $0 } }
        threads.submit { state in outcomes.withLock { $0.append("queued \(state)") } }
        let stopping = Task { await threads.shutdown() }
        try await eventually { outcomes.withLock { $0 } == ["queued cancelled"] }
        gate.signal()
        await stopping.value
        #expect(outcomes.withLock { $0 } == ["queued cancelled", "first active"])
        threads.submit { state in outcomes.withLock { $0.append("late \(state)") } }
        #expect(outcomes.withLock { $0.last } == "late cancelled")
    }
}
