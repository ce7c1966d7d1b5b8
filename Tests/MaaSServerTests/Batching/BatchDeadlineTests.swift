import MaaSClient
import MaaSProtocol
import Testing

@testable import MaaSServer

/// Deadlines while a request waits in a version's batch queue, end to end through a server.
@Suite("Deadlines in the batch queue", .timeLimit(.minutes(1)))
struct BatchDeadlineTests {
    @Test("a request whose deadline passes while it waits for a batch answers DEADLINE_EXCEEDED and leaves the queue; it never runs")
    func expiredRequestLeavesTheQueue() async throws {
        let expected = try MLPFixture.expected()
        try await TestServer.with({ $0.inferenceWorkers = 1; $0.inferenceQueueDepth = 8 }) { server, port in
            let version = try await MLPFixture.register(port: port, name: "mlp")
            let run = expected.runs[0]
            let request = MLPFixture.predictRequest(name: "mlp", run: run)
            // Loaded and probed first: the version is batched (its input has one dynamic axis).
            let warm = try await MaaSClient.connect(host: "127.0.0.1", port: port)
            _ = try await warm.predict(request)
            await warm.close()
            let queue = try #require(await server.batchQueues.existingQueue(name: "mlp", version: version.version))
            #expect(queue.statistics.rows == 1)

            let gate = Gate()
            let blocker = gate.occupyWorker(of: server)
            defer { gate.open() }
            try await eventually { server.inferencePool.admittedJobs == 1 }
            try await FrameClient.connect(port: port) { client in
                // Its batch's start is handed to the pool and waits behind the held worker; the request waits
                // in the queue until its 50 ms pass.
                let late = try #require(try await client.unary(1, .predict, request, metadata: [MetadataKey.timeoutMs: "50"]))
                #expect(late.statusCode == .deadlineExceeded)
                try await eventually { queue.waitingRequests == 0 }

                // Another request takes the start the first one left: it is served once the worker is free,
                // and is the only row that ran.
                try await client.send(Envelope(
                    callID: 2, method: Method.predict.rawValue, payload: request.serializedBytes(), endStream: true))
                try await eventually { queue.waitingRequests == 1 }
                gate.open()
                let answer = try #require(try await client.next())
                #expect(answer.callID == 2)
                #expect(answer.statusCode == .ok)
                let response = try PredictResponse(serializedBytes: answer.payload)
                let output = try #require(response.outputs.first?.tensor)
                #expect(maxDifference(output.floatValues(), run.y.values) <= 1e-5)
            }
            try await blocker.value
            #expect(queue.statistics.rows == 2, "the warm-up and the served request; the expired one never ran")
            #expect(queue.waitingRequests == 0)
        }
    }
}
