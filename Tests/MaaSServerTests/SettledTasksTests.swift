import Synchronization
import Testing

@testable import MaaSServer

@Suite("SettledTasks")
struct SettledTasksTests {
    struct Failure: Error {}

    @Test("callers of one key share one task; once it ends its value is read without waiting")
    func shared() async throws {
        let tasks = SettledTasks<String, Int>()
        let started = Mutex(0)
        let gate = AsyncStream<Void>.makeStream()
        let make: @Sendable () -> Task<Int, any Error> = {
            started.withLock { $0 += 1 }
            return Task {
                for await _ in gate.stream { break }
                return 42
            }
        }
        async let first = tasks.value(for: "a", make: make)
        async let second = tasks.value(for: "a", make: make)
        try await eventually { started.withLock { $0 } == 1 }
        #expect(tasks.settled("a") == nil, "still running")
        gate.continuation.yield()
        #expect(try await [first, second] == [42, 42])
        #expect(started.withLock { $0 } == 1)
        #expect(tasks.settled("a") == 42)
        #expect(try await tasks.existing("a") == 42)
        #expect(try await tasks.existing("b") == nil)
        #expect(tasks.keys == ["a"])
    }

    @Test("a task that throws is forgotten: its callers get the error, a later call starts a new task")
    func failureForgotten() async throws {
        let tasks = SettledTasks<Int, String>()
        await #expect(throws: Failure.self) {
            try await tasks.value(for: 1) { Task { throw Failure() } }
        }
        #expect(tasks.settled(1) == nil)
        #expect(tasks.keys.isEmpty)
        #expect(try await tasks.value(for: 1) { Task { "second try" } } == "second try")
        #expect(tasks.settled(1) == "second try")
    }
}
