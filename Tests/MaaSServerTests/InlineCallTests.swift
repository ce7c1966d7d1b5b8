import MaaSClient
import MaaSProtocol
import Testing

@testable import MaaSServer

/// Predicts for a version that has served before are started on the event loop without a task
/// (`Connection.serveInline`); they must behave as the reader's calls do.
@Suite("Predicts served inline", .timeLimit(.minutes(1)))
struct InlineCallTests {
    /// Registers the MLP fixture as `mlp` and makes one Predict, so its model is loaded and its batching decided.
    private static func warm(port: Int) async throws -> MLPFixture.Expected {
        let expected = try MLPFixture.expected()
        _ = try await MLPFixture.register(port: port, name: "mlp")
        let client = try await MaaSClient.connect(host: "127.0.0.1", port: port)
        _ = try await client.predict(MLPFixture.predictRequest(name: "mlp", run: expected.runs[0]))
        await client.close()
        return expected
    }

    private static func predictFrame(_ callID: UInt64, _ run: MLPFixture.Run, metadata: [String: String] = [:]) -> Envelope {
        Envelope(
            callID: callID, method: Method.predict.rawValue, metadata: metadata,
            payload: MLPFixture.predictRequest(name: "mlp", run: run).serializedBytes(), endStream: true)
    }

    /// Runs `body` on a connection to a server whose `mlp` version is warm and whose one worker is held until
    /// `gate` opens (at the latest when `body` returns); then, with the worker free again, `after`.
    private static func withHeldWorker(
        _ configure: (inout ServerConfiguration) -> Void = { _ in },
        _ body: @Sendable (ModelServer, inout FrameClient, [MLPFixture.Run], Gate) async throws -> Void,
        after: @Sendable (ModelServer) async throws -> Void = { _ in }
    ) async throws {
        try await TestServer.with(configure) { server, port in
            let runs = try await warm(port: port).runs
            let gate = Gate()
            let blocker = gate.occupyWorker(of: server)
            defer { gate.open() }
            try await eventually { server.inferencePool.admittedJobs == 1 }
            try await FrameClient.connect(port: port) { client in
                // A call the reader answers: the server has registered the connection (the reader starts after),
                // so a shutdown begun by `body` reaches it. Inline calls are served from the first byte, and on a
                // loaded machine the registration could lag behind them.
                let listed = try #require(try await client.unary(99, .listVersions, ListVersionsRequest(name: "mlp")))
                #expect(listed.statusCode == .ok)
                try await body(server, &client, runs, gate)
            }
            gate.open()
            try await blocker.value
            try await after(server)
        }
    }

    @Test("a version's later Predicts are served inline and answer what ONNX Runtime computes, batched or not", arguments: [8, 1])
    func answersInline(maxBatchSize: Int) async throws {
        try await TestServer.with({ $0.maxBatchSize = maxBatchSize; $0.inferenceWorkers = 2 }) { server, port in
            let expected = try await Self.warm(port: port)
            #expect(server.callCounts.inlineCalls == 0, "a version's first Predict loads its model on the reader's path")
            try await FrameClient.connect(port: port) { client in
                for (index, run) in expected.runs.enumerated() {
                    try await client.send(Self.predictFrame(UInt64(index + 1), run))
                }
                var answered: [UInt64: [Float]] = [:]
                for _ in expected.runs {
                    let frame = try #require(try await client.next())
                    #expect(frame.statusCode == .ok)
                    let output = try #require(try frame.response(PredictResponse.self).outputs.first?.tensor)
                    answered[frame.callID] = output.floatValues()
                }
                for (index, run) in expected.runs.enumerated() {
                    #expect(maxDifference(try #require(answered[UInt64(index + 1)]), run.y.values) <= 1e-5)
                }
            }
            #expect(server.callCounts.inlineCalls == expected.runs.count)
        }
    }

    @Test("calls in flight still answer after the client shuts its sending side")
    func halfClose() async throws {
        try await Self.withHeldWorker { server, client, runs, gate in
            for id in UInt64(1)...3 { try await client.send(Self.predictFrame(id, runs[0])) }
            try await eventually { server.callCounts.inlineCalls == 3 }
            client.finishSending()
            // Let the server read the end of input while the calls still wait (nothing observable says when
            // it has; the test passes either way when calls are kept, and fails here when they are dropped).
            try await Task.sleep(for: .milliseconds(100))
            gate.open()
            let frames = try await client.readUntilClosed()
            #expect(Set(frames.map(\.callID)) == [1, 2, 3])
            #expect(frames.allSatisfy { $0.statusCode == .ok })
        }
    }

    @Test("a call_id already in flight is INVALID_ARGUMENT and the first call completes; the per-connection limit holds")
    func callTable() async throws {
        try await Self.withHeldWorker({ $0.maxCallsPerConnection = 2 }) { server, client, runs, gate in
            try await client.send(Self.predictFrame(7, runs[0]))
            try await eventually { server.callCounts.inlineCalls == 1 }
            try await client.send(Self.predictFrame(7, runs[1]))
            let duplicate = try #require(try await client.next())
            #expect(duplicate.callID == 7)
            #expect(duplicate.statusCode == .invalidArgument)
            #expect(duplicate.status?.message.contains("call_id 7 is already in flight") == true)

            try await client.send(Self.predictFrame(8, runs[1]))
            try await client.send(Self.predictFrame(9, runs[2]))
            let refused = try #require(try await client.next())
            #expect(refused.callID == 9)
            #expect(refused.statusCode == .resourceExhausted)
            #expect(refused.status?.message.contains("the limit is 2") == true)

            gate.open()
            var answered: [UInt64: Envelope] = [:]
            for _ in 0..<2 {
                let frame = try #require(try await client.next())
                answered[frame.callID] = frame
            }
            let first = try #require(answered[7]?.response(PredictResponse.self).outputs.first?.tensor)
            #expect(maxDifference(first.floatValues(), runs[0].y.values) <= 1e-5)
            #expect(answered[8]?.statusCode == .ok)
        } after: { server in
            #expect(server.callCounts.inlineCalls == 2, "calls 7 and 8; the refused ones never started")
        }
    }

    @Test("a deadline that passes while the job waits for a worker answers DEADLINE_EXCEEDED; the id can be used again")
    func deadline() async throws {
        try await Self.withHeldWorker({ $0.maxBatchSize = 1 }) { _, client, runs, gate in
            try await client.send(Self.predictFrame(1, runs[0], metadata: [MetadataKey.timeoutMs: "50"]))
            let late = try #require(try await client.next())
            #expect(late.callID == 1)
            #expect(late.statusCode == .deadlineExceeded)
            #expect(late.status?.message.contains("timeout-ms") == true)

            // The expired job still holds its place in the pool until a worker drops it; the id is free now.
            try await client.send(Self.predictFrame(1, runs[1]))
            gate.open()
            let answer = try #require(try await client.next())
            #expect(answer.callID == 1)
            #expect(answer.statusCode == .ok)
            let output = try #require(try answer.response(PredictResponse.self).outputs.first?.tensor)
            #expect(maxDifference(output.floatValues(), runs[1].y.values) <= 1e-5)
        } after: { server in
            try await eventually { server.inferencePool.admittedJobs == 0 }
        }
    }

    @Test("a bad request for a version already serving is answered by the reader, with the same message as before")
    func badRequestsTakeTheReader() async throws {
        try await TestServer.with { server, port in
            _ = try await Self.warm(port: port)
            try await FrameClient.connect(port: port) { client in
                let wrongShape = PredictRequest(name: "mlp", inputs: [
                    NamedTensor(name: "x", tensor: Tensor(shape: [1, 3], floats: [1, 2, 3])),
                ])
                let refused = try #require(try await client.unary(1, .predict, wrongShape))
                #expect(refused.statusCode == .invalidArgument)
                #expect(refused.status?.message.contains("'x'") == true)

                try await client.send(Self.predictFrame(2, try MLPFixture.expected().runs[0], metadata: [MetadataKey.timeoutMs: "soon"]))
                let answer = try #require(try await client.next())
                #expect(answer.statusCode == .invalidArgument)
                #expect(answer.status?.message.contains("timeout-ms") == true)
            }
            #expect(server.callCounts.inlineCalls == 0)
        }
    }

    @Test("shutdown refuses new Predicts with UNAVAILABLE, answers the ones in flight, then closes")
    func gracefulShutdown() async throws {
        try await Self.withHeldWorker { server, client, runs, gate in
            try await client.send(Self.predictFrame(1, runs[0]))
            try await eventually { server.callCounts.inlineCalls == 1 }
            server.beginShutdown()

            try await client.send(Self.predictFrame(2, runs[1]))
            let refused = try #require(try await client.next())
            #expect(refused.callID == 2)
            #expect(refused.statusCode == .unavailable)

            gate.open()
            let frames = try await client.readUntilClosed()
            #expect(frames.map(\.callID) == [1])
            #expect(frames.first?.statusCode == .ok)
        }
    }

    @Test("past the shutdown grace period the connection closes under a call in flight and the server stops")
    func gracePeriodOver() async throws {
        try await Self.withHeldWorker({ $0.shutdownGracePeriod = .milliseconds(50) }) { server, client, runs, _ in
            try await client.send(Self.predictFrame(1, runs[0]))
            try await eventually { server.callCounts.inlineCalls == 1 }
            server.beginShutdown()
            #expect(try await client.readUntilClosed().isEmpty)
        }
    }
}
