import MaaSClient
import MaaSProtocol
import Testing

@testable import MaaSServer

/// Many connections pipelining a mix of good and bad Predicts, deadlines that race the answers, and clients
/// that leave mid-flight: every call is answered exactly once with a status it can have, every OK answer is the
/// fixture's, and no connection's call table keeps a call that was answered.
@Suite("Inline Predicts under load", .timeLimit(.minutes(1)))
struct InlineCallStressTests {
    /// What one pipelined call was, to check its answer against.
    private enum Kind {
        case good(run: Int)
        case badShape
        case racingDeadline(run: Int)
    }

    private static func frame(_ callID: UInt64, _ kind: Kind, runs: [MLPFixture.Run]) throws -> Envelope {
        switch kind {
        case .good(let run):
            return Envelope(
                callID: callID, method: Method.predict.rawValue,
                payload: MLPFixture.predictRequest(name: "mlp", run: runs[run]).serializedBytes(), endStream: true)
        case .badShape:
            let request = PredictRequest(name: "mlp", inputs: [
                NamedTensor(name: "x", tensor: Tensor(shape: [1, 3], floats: [1, 2, 3])),
            ])
            return Envelope(callID: callID, method: Method.predict.rawValue, payload: request.serializedBytes(), endStream: true)
        case .racingDeadline(let run):
            return Envelope(
                callID: callID, method: Method.predict.rawValue, metadata: [MetadataKey.timeoutMs: "0"],
                payload: MLPFixture.predictRequest(name: "mlp", run: runs[run]).serializedBytes(), endStream: true)
        }
    }

    /// Checks one answer against what its call was; returns a description of what is wrong, or nil.
    private static func problem(with answer: Envelope, kind: Kind, runs: [MLPFixture.Run]) -> String? {
        let code = answer.statusCode ?? .ok
        func matches(_ run: Int) -> Bool {
            guard let output = try? answer.response(PredictResponse.self).outputs.first?.tensor else { return false }
            return maxDifference(output.floatValues(), runs[run].y.values) <= 1e-5
        }
        switch kind {
        case .good(let run):
            if code == .ok { return matches(run) ? nil : "call \(answer.callID): OK with other values" }
            return code == .resourceExhausted ? nil : "call \(answer.callID): \(code)"
        case .badShape:
            return code == .invalidArgument ? nil : "call \(answer.callID) (bad shape): \(code)"
        case .racingDeadline(let run):
            if code == .ok { return matches(run) ? nil : "call \(answer.callID): OK with other values" }
            return [.deadlineExceeded, .resourceExhausted].contains(code) ? nil : "call \(answer.callID) (deadline 0): \(code)"
        }
    }

    @Test("four connections, 150 pipelined calls each: one answer per call, the right one, and clean call tables")
    func pipelinedMix() async throws {
        let runs = try MLPFixture.expected().runs
        try await TestServer.with({
            $0.inferenceWorkers = 2
            $0.inferenceQueueDepth = 6
            $0.maxCallsPerConnection = 8
        }) { server, port in
            _ = try await MLPFixture.register(port: port, name: "mlp")
            let warm = try await MaaSClient.connect(host: "127.0.0.1", port: port)
            _ = try await warm.predict(MLPFixture.predictRequest(name: "mlp", run: runs[0]))
            await warm.close()

            try await withThrowingTaskGroup(of: Void.self) { group in
                for connection in 0..<4 {
                    group.addTask {
                        try await FrameClient.connect(port: port) { client in
                            var dice = Dice(seed: UInt64(connection) + 1)  // a fixed sequence per connection, to replay a failure
                            var pending: [UInt64: Kind] = [:]
                            var problems: [String] = []
                            var nextID: UInt64 = 1
                            let total: UInt64 = 150
                            while nextID <= total || !pending.isEmpty {
                                // Up to the per-connection limit in flight, then one answer for each new call.
                                while nextID <= total, pending.count < 8 {
                                    let roll = dice.roll(10)
                                    let kind: Kind = roll < 7
                                        ? .good(run: dice.roll(3)) : roll < 8 ? .badShape : .racingDeadline(run: dice.roll(3))
                                    pending[nextID] = kind
                                    try await client.send(Self.frame(nextID, kind, runs: runs))
                                    nextID += 1
                                }
                                let answer = try #require(try await client.next())
                                guard let kind = pending.removeValue(forKey: answer.callID) else {
                                    problems.append("an answer for call \(answer.callID), which was not in flight")
                                    continue
                                }
                                if let problem = Self.problem(with: answer, kind: kind, runs: runs) { problems.append(problem) }
                            }
                            #expect(problems.isEmpty, "connection \(connection): \(problems.prefix(5))")

                            // Every call answered has left the table: the limit's worth of calls is taken again
                            // (the pool may still refuse some while the other connections load it).
                            for id in UInt64(1)...8 {
                                try await client.send(Self.frame(1000 + id, .good(run: 1), runs: runs))
                            }
                            for _ in 1...8 {
                                let answer = try #require(try await client.next())
                                #expect(Self.problem(with: answer, kind: .good(run: 1), runs: runs) == nil)
                                #expect(answer.status?.message.contains("in flight on this connection") != true)
                            }
                        }
                    }
                }
                // A client that leaves with calls in flight, twice.
                for _ in 0..<2 {
                    group.addTask {
                        try await FrameClient.connect(port: port) { client in
                            for id in UInt64(1)...6 { try await client.send(Self.frame(id, .good(run: 2), runs: runs)) }
                        }
                    }
                }
                try await group.waitForAll()
            }
            #expect(server.callCounts.inlineCalls > 0)
            try await eventually { server.inferencePool.admittedJobs == 0 }

            // And the server still answers.
            let after = try await MaaSClient.connect(host: "127.0.0.1", port: port)
            let response = try await after.predict(MLPFixture.predictRequest(name: "mlp", run: runs[1]))
            let output = try #require(response.outputs.first?.tensor)
            #expect(maxDifference(output.floatValues(), runs[1].y.values) <= 1e-5)
            await after.close()
        }
    }
}
