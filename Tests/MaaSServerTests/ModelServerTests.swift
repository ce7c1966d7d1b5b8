import Logging
import MaaSProtocol
import NIOCore
import NIOPosix
import Testing

@testable import MaaSServer

/// Many calls per connection, the inference queue, deadlines and shutdown, over real sockets.
///
/// A `Gate` holds the inference workers busy, so "slow" and "full" are states the test sets up, not timings.
@Suite("ModelServer", .timeLimit(.minutes(1)))
struct ModelServerTests {
    @Test("answers calls on one connection in the order they finish, not the order they came")
    func outOfOrder() async throws {
        let run = try #require(try MLPFixture.expected().runs.first)
        try await TestServer.with { server, port in
            _ = try await MLPFixture.register(port: port, name: "mlp")
            let gate = Gate()
            let blocker = gate.occupyWorker(of: server)
            defer { gate.open() }
            try await FrameClient.connect(port: port) { client in
                try await client.send(Envelope(
                    callID: 1, method: Method.predict.rawValue,
                    payload: MLPFixture.predictRequest(name: "mlp", run: run).serializedBytes(), endStream: true))
                try await eventually { server.inferencePool.admittedJobs == 2 }
                for id in UInt64(2)...4 {
                    try await client.send(Envelope(
                        callID: id, method: Method.listVersions.rawValue,
                        payload: ListVersionsRequest(name: "mlp").serializedBytes(), endStream: true))
                }
                var order: [UInt64] = []
                for _ in 0..<3 {
                    let frame = try #require(try await client.next())
                    #expect(frame.statusCode == .ok)
                    order.append(frame.callID)
                }
                #expect(Set(order) == [2, 3, 4])
                gate.open()
                let predicted = try #require(try await client.next())
                #expect(predicted.callID == 1)
                #expect(predicted.statusCode == .ok)
                #expect(try predicted.response(PredictResponse.self).outputs.first?.name == "y")
            }
            try await blocker.value
        }
    }

    @Test("answers RESOURCE_EXHAUSTED at once when the inference queue is full, then serves again")
    func queueFull() async throws {
        let run = try #require(try MLPFixture.expected().runs.first)
        // Unbatched, so that each Predict is its own pool job (batching has its own bound, BatchQueueTests).
        try await TestServer.with({ $0.inferenceWorkers = 1; $0.inferenceQueueDepth = 1; $0.maxBatchSize = 1 }) { server, port in
            _ = try await MLPFixture.register(port: port, name: "mlp")
            let gate = Gate()
            let blocker = gate.occupyWorker(of: server)
            defer { gate.open() }
            try await FrameClient.connect(port: port) { client in
                let request = MLPFixture.predictRequest(name: "mlp", run: run).serializedBytes()
                try await client.send(Envelope(callID: 1, method: Method.predict.rawValue, payload: request, endStream: true))
                try await eventually { server.inferencePool.admittedJobs == 2 }

                let refused = try #require(try await client.unary(2, Method.predict.rawValue, payload: request))
                #expect(refused.callID == 2)
                #expect(refused.statusCode == .resourceExhausted)
                #expect(refused.status?.message.contains("queue is full") == true)

                gate.open()
                let queued = try #require(try await client.next())
                #expect(queued.callID == 1)
                #expect(queued.statusCode == .ok)
                let again = try #require(try await client.unary(3, Method.predict.rawValue, payload: request))
                #expect(again.statusCode == .ok)
            }
            try await blocker.value
        }
    }

    @Test("a tensor-only version with one dynamic axis is batched: Predicts waiting for a worker share one job, each gets its rows")
    func tensorOnlyBatching() async throws {
        let runs = try MLPFixture.expected().runs
        try await TestServer.with({ $0.inferenceWorkers = 1; $0.inferenceQueueDepth = 16 }) { server, port in
            _ = try await MLPFixture.register(port: port, name: "mlp")
            let gate = Gate()
            let blocker = gate.occupyWorker(of: server)
            defer { gate.open() }
            try await FrameClient.connect(port: port) { client in
                let requests = (0..<6).map { runs[$0 % runs.count] }
                for (index, run) in requests.enumerated() {
                    try await client.send(Envelope(
                        callID: UInt64(index + 1), method: Method.predict.rawValue,
                        payload: MLPFixture.predictRequest(name: "mlp", run: run).serializedBytes(), endStream: true))
                }
                // One start for the batch behind the blocker; unbatched, each Predict would be a job of its own.
                try await eventually { server.inferencePool.admittedJobs == 2 }
                try await Task.sleep(for: .milliseconds(50))
                #expect(server.inferencePool.admittedJobs == 2)
                gate.open()
                for _ in requests {
                    let answer = try #require(try await client.next())
                    #expect(answer.statusCode == .ok)
                    let run = requests[Int(answer.callID) - 1]
                    let output = try #require(try PredictResponse(serializedBytes: answer.payload).outputs.first?.tensor)
                    #expect(output.shape == run.y.shape.map(Int64.init))
                    #expect(maxDifference(output.floatValues(), run.y.values) <= 1e-5)
                }
            }
            try await blocker.value
        }
    }

    @Test("answers DEADLINE_EXCEEDED when timeout-ms passes, and the connection stays usable")
    func deadline() async throws {
        let run = try #require(try MLPFixture.expected().runs.first)
        try await TestServer.with { server, port in
            _ = try await MLPFixture.register(port: port, name: "mlp")
            let gate = Gate()
            let blocker = gate.occupyWorker(of: server)
            defer { gate.open() }
            try await FrameClient.connect(port: port) { client in
                let late = try #require(try await client.unary(
                    1, .predict, MLPFixture.predictRequest(name: "mlp", run: run), metadata: [MetadataKey.timeoutMs: "50"]))
                #expect(late.callID == 1)
                #expect(late.statusCode == .deadlineExceeded)

                // The id is free again once answered, even though the timed-out job is still queued.
                let reused = try #require(try await client.unary(1, .listVersions, ListVersionsRequest(name: "mlp")))
                #expect(reused.callID == 1)
                #expect(reused.statusCode == .ok)
                gate.open()
                let after = try #require(try await client.unary(2, .predict, MLPFixture.predictRequest(name: "mlp", run: run)))
                #expect(after.statusCode == .ok)
            }
            try await blocker.value
        }
    }

    @Test("applies the configured default timeout to calls that send none")
    func defaultTimeout() async throws {
        try await TestServer.with({ $0.defaultTimeout = .milliseconds(50) }) { _, port in
            try await FrameClient.connect(port: port) { client in
                // An upload whose last frame never comes cannot finish on its own: only the deadline ends it.
                try await client.send(Envelope(
                    callID: 1, method: Method.registerModel.rawValue,
                    payload: RegisterModelRequest(.header(ModelHeader(name: "slow"))).serializedBytes()))
                let late = try #require(try await client.next())
                #expect(late.callID == 1)
                #expect(late.statusCode == .deadlineExceeded)
                // Chunks still arriving for the answered call are dropped, not answered.
                try await client.send(Envelope(callID: 1, payload: RegisterModelRequest(.chunk([1])).serializedBytes()))
                // Answered by the reader itself, so the 50 ms default cannot race it.
                let next = try #require(try await client.unary(2, "/maas.v1.ModelService/Nope", payload: []))
                #expect(next.callID == 2)
                #expect(next.statusCode == .unimplemented)
            }
        }
    }

    @Test("rejects a call_id already in flight with INVALID_ARGUMENT; the first call still completes")
    func duplicateCallID() async throws {
        let run = try #require(try MLPFixture.expected().runs.first)
        try await TestServer.with { server, port in
            _ = try await MLPFixture.register(port: port, name: "mlp")
            let gate = Gate()
            let blocker = gate.occupyWorker(of: server)
            defer { gate.open() }
            try await FrameClient.connect(port: port) { client in
                try await client.send(Envelope(
                    callID: 7, method: Method.predict.rawValue,
                    payload: MLPFixture.predictRequest(name: "mlp", run: run).serializedBytes(), endStream: true))
                try await eventually { server.inferencePool.admittedJobs == 2 }
                let duplicate = try #require(try await client.unary(7, .listVersions, ListVersionsRequest(name: "mlp")))
                #expect(duplicate.callID == 7)
                #expect(duplicate.statusCode == .invalidArgument)
                #expect(duplicate.status?.message.contains("already in flight") == true)
                gate.open()
                let original = try #require(try await client.next())
                #expect(original.callID == 7)
                #expect(original.statusCode == .ok)
                #expect(try original.response(PredictResponse.self).name == "mlp")
            }
            try await blocker.value
        }
    }

    @Test("refuses calls beyond the per-connection limit with RESOURCE_EXHAUSTED")
    func callsPerConnection() async throws {
        let run = try #require(try MLPFixture.expected().runs.first)
        try await TestServer.with({ $0.maxCallsPerConnection = 2; $0.maxBatchSize = 1 }) { server, port in
            _ = try await MLPFixture.register(port: port, name: "mlp")
            let gate = Gate()
            let blocker = gate.occupyWorker(of: server)
            defer { gate.open() }
            try await FrameClient.connect(port: port) { client in
                let request = MLPFixture.predictRequest(name: "mlp", run: run).serializedBytes()
                for id in UInt64(1)...2 {
                    try await client.send(Envelope(callID: id, method: Method.predict.rawValue, payload: request, endStream: true))
                }
                try await eventually { server.inferencePool.admittedJobs == 3 }
                let refused = try #require(try await client.unary(3, .listVersions, ListVersionsRequest(name: "mlp")))
                #expect(refused.callID == 3)
                #expect(refused.statusCode == .resourceExhausted)
                gate.open()
                let answered = [try await client.next(), try await client.next()].compactMap { $0 }
                #expect(Set(answered.map(\.callID)) == [1, 2])
                #expect(answered.allSatisfy { $0.statusCode == .ok })
            }
            try await blocker.value
        }
    }

    @Test("graceful shutdown refuses new calls, finishes the ones in flight, then run returns")
    func gracefulShutdown() async throws {
        let run = try #require(try MLPFixture.expected().runs.first)
        try await TestServer.with { server, port in
            _ = try await MLPFixture.register(port: port, name: "mlp")
            let gate = Gate()
            let blocker = gate.occupyWorker(of: server)
            defer { gate.open() }
            try await FrameClient.connect(port: port) { client in
                try await client.send(Envelope(
                    callID: 1, method: Method.predict.rawValue,
                    payload: MLPFixture.predictRequest(name: "mlp", run: run).serializedBytes(), endStream: true))
                try await eventually { server.inferencePool.admittedJobs == 2 }
                server.beginShutdown()

                let refused = try #require(try await client.unary(2, .listVersions, ListVersionsRequest(name: "mlp")))
                #expect(refused.callID == 2)
                #expect(refused.statusCode == .unavailable)

                gate.open()
                let frames = try await client.readUntilClosed()
                #expect(frames.map(\.callID) == [1])
                #expect(frames.first?.statusCode == .ok)
            }
            try await blocker.value
        }
    }

    @Test("closes connections whose calls outlast the shutdown grace period")
    func gracePeriodOver() async throws {
        let run = try #require(try MLPFixture.expected().runs.first)
        try await TestServer.with({ $0.shutdownGracePeriod = .milliseconds(50) }) { server, port in
            _ = try await MLPFixture.register(port: port, name: "mlp")
            let gate = Gate()
            let blocker = gate.occupyWorker(of: server)
            defer { gate.open() }
            try await FrameClient.connect(port: port) { client in
                try await client.send(Envelope(
                    callID: 1, method: Method.predict.rawValue,
                    payload: MLPFixture.predictRequest(name: "mlp", run: run).serializedBytes(), endStream: true))
                try await eventually { server.inferencePool.admittedJobs == 2 }
                server.beginShutdown()
                // The worker stays busy past the grace period: the server closes without answering.
                #expect(try await client.readUntilClosed().isEmpty)
            }
            gate.open()
            try await blocker.value
        }
    }

    @Test("run throws when the port is already taken")
    func portTaken() async throws {
        try await TestServer.with { _, port in
            try await withTemporaryDirectory { directory in
                var configuration = TestServer.makeConfiguration(dataDirectory: directory)
                configuration.port = port
                let second = try ModelServer(configuration: configuration, logger: TestServer.logger)
                await #expect(throws: (any Error).self) {
                    try await second.run()
                }
            }
        }
    }

    @Test("run returns after beginShutdown and the port no longer accepts connections")
    func runReturns() async throws {
        try await withTemporaryDirectory { directory in
            let server = try ModelServer(
                configuration: TestServer.makeConfiguration(dataDirectory: directory), logger: TestServer.logger)
            let (ports, sink) = AsyncStream<Int>.makeStream()
            let running = Task { try await server.run { sink.yield($0) } }
            var iterator = ports.makeAsyncIterator()
            let port = try #require(await iterator.next())
            _ = try await FrameClient.connect(port: port) { client in
                try await client.unary(1, .listVersions, ListVersionsRequest(name: "absent"))
            }
            server.beginShutdown()
            try await running.value
            await #expect(throws: (any Error).self) {
                try await FrameClient.connect(port: port) { _ in }
            }
            // A server runs once.
            await #expect(throws: RPCError.self) {
                try await server.run()
            }
        }
    }

    @Test("beginShutdown before run makes run refuse to start")
    func shutdownBeforeRun() async throws {
        try await withTemporaryDirectory { directory in
            let server = try ModelServer(
                configuration: TestServer.makeConfiguration(dataDirectory: directory), logger: TestServer.logger)
            server.beginShutdown()
            await #expect(throws: RPCError.self) {
                try await server.run()
            }
        }
    }

    @Test("refuses a configuration it cannot run with, naming the setting", arguments: [
        "port", "max frame size", "inference workers", "max calls per connection", "default timeout",
    ])
    func invalidConfiguration(setting: String) throws {
        // Rejected before the data directory is touched.
        var configuration = TestServer.makeConfiguration(dataDirectory: "/nonexistent/maas-data")
        switch setting {
        case "port": configuration.port = 70_000
        case "max frame size": configuration.maxFrameSize = 1
        case "inference workers": configuration.inferenceWorkers = 0
        case "max calls per connection": configuration.maxCallsPerConnection = 0
        default: configuration.defaultTimeout = .zero
        }
        do {
            _ = try ModelServer(configuration: configuration, logger: TestServer.logger)
            Issue.record("accepted an invalid \(setting)")
        } catch let error as RPCError {
            #expect(error.code == .invalidArgument)
            #expect(error.message.contains(setting), "\(error.message)")
        }
    }
}
