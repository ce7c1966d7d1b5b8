import Foundation
import Logging
import MaaSServer
import NIOPosix
import Synchronization

/// Runs a real `ModelServer` on 127.0.0.1 and a free port, with a fresh data directory, for one test.
enum TestServer {
    static let logger = Logger(label: "maas.tests") { _ in SwiftLogNoOpLogHandler() }

    static func makeConfiguration(dataDirectory: String) -> ServerConfiguration {
        var configuration = ServerConfiguration(host: "127.0.0.1", port: 0, dataDirectory: dataDirectory)
        configuration.inferenceWorkers = 1
        configuration.inferenceQueueDepth = 4
        configuration.blockingThreads = 2
        configuration.shutdownGracePeriod = .seconds(30)
        return configuration
    }

    /// Starts the server, runs `body` with it and its port, then shuts it down and waits for `run` to return.
    static func with<Result: Sendable>(
        _ configure: (inout ServerConfiguration) -> Void = { _ in },
        _ body: @Sendable (ModelServer, Int) async throws -> Result
    ) async throws -> Result {
        try await withTemporaryDirectory { directory in
            try await with(dataDirectory: directory, configure, body)
        }
    }

    private static func with<Result: Sendable>(
        dataDirectory directory: String,
        _ configure: (inout ServerConfiguration) -> Void,
        _ body: @Sendable (ModelServer, Int) async throws -> Result
    ) async throws -> Result {
        var configuration = makeConfiguration(dataDirectory: directory)
        configure(&configuration)
        let server = try ModelServer(configuration: configuration, logger: logger)

        let (ports, portSink) = AsyncStream<Int>.makeStream()
        return try await withThrowingTaskGroup(of: Result?.self) { group in
            group.addTask {
                defer { portSink.finish() }
                try await server.run { port in portSink.yield(port) }
                return nil
            }
            var iterator = ports.makeAsyncIterator()
            guard let port = await iterator.next() else {
                // run() ended before listening: surface its error.
                while let _ = try await group.next() {}
                throw CancellationError()
            }
            let result: Result
            do {
                result = try await body(server, port)
            } catch {
                server.beginShutdown()
                try await group.waitForAll()
                throw error
            }
            server.beginShutdown()
            try await group.waitForAll()
            return result
        }
    }
}

/// Holds inference workers busy until opened, so tests can fill the queue without relying on timing.
/// Open it on every path (`defer { gate.open() }`): a worker left waiting would keep the server from stopping.
final class Gate: Sendable {
    private let semaphore = DispatchSemaphore(value: 0)
    private let opened = Mutex(false)

    /// Releases the worker; later calls do nothing.
    func open() {
        let first = opened.withLock { opened in
            defer { opened = true }
            return !opened
        }
        if first { semaphore.signal() }
    }

    /// Occupies one inference worker of `server` until the gate opens.
    func occupyWorker(of server: ModelServer) -> Task<Void, any Error> {
        Task { try await server.inferencePool.run { self.semaphore.wait() } }
    }
}

/// Waits (by polling) until `condition` holds; used only to reach a state, never to assert timing.
func eventually(_ condition: () -> Bool) async throws {
    while !condition() {
        try await Task.sleep(for: .milliseconds(2))
    }
}

/// Runs `body` with a fresh path under the system's temporary directory, removed afterwards.
func withTemporaryDirectory<Result>(_ body: (String) async throws -> Result) async rethrows -> Result {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("maas-server-tests-\(UUID().uuidString)").path
    defer { try? FileManager.default.removeItem(atPath: path) }
    return try await body(path)
}
