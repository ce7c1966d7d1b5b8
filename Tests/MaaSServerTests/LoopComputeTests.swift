import Dispatch
import Foundation
import MaaSClient
import MaaSProtocol
import Testing

@testable import MaaSServer

@Suite("Computing on the event loop when idle", .timeLimit(.minutes(1)))
struct LoopComputeTests {
    // MARK: the gate

    /// A call `gap` after the one before it, long after any overlap.
    private static func quiet(gap: Duration) -> LoopCompute.Arrival {
        LoopCompute.Arrival(gap: gap, sinceOverlap: .seconds(1))
    }

    @Test("allowed only for a known estimate within the limit, after a gap at least as long, with nothing running")
    func gate() async throws {
        let pool = InferencePool(workers: 1, queueDepth: 1)
        pool.start()
        let gate = LoopCompute(limit: .microseconds(500), pool: pool)
        let light: Duration = .microseconds(100)
        #expect(gate.admits(light, after: Self.quiet(gap: .milliseconds(1))) == light)
        #expect(gate.admits(nil, after: Self.quiet(gap: .milliseconds(1))) == nil, "unknown cost")
        #expect(gate.admits(.microseconds(501), after: Self.quiet(gap: .seconds(1))) == nil, "over the limit")
        #expect(gate.admits(light, after: Self.quiet(gap: .microseconds(99))) == nil, "calls closer together than their compute")
        #expect(LoopCompute(limit: .zero, pool: pool).admits(.zero, after: Self.quiet(gap: .seconds(1))) == nil, "turned off")
        let afterOverlap = LoopCompute.Arrival(gap: .seconds(1), sinceOverlap: LoopCompute.defaultOverlapMemory - .microseconds(1))
        #expect(gate.admits(light, after: afterOverlap) == nil, "two calls overlapped lately")

        #expect(gate.claim(estimate: light))
        #expect(!gate.isIdle)
        #expect(gate.admits(light, after: Self.quiet(gap: .milliseconds(1))) == nil)
        #expect(!gate.claim(estimate: light), "one loop computes at a time")
        gate.release()
        #expect(gate.isIdle)

        let held = DispatchSemaphore(value: 0)
        let job = Task { try await pool.run { held.wait() } }
        try await eventually { pool.admittedJobs == 1 }
        #expect(!gate.isIdle)
        #expect(!gate.claim(estimate: light), "a worker is busy")
        held.signal()
        try await job.value
        #expect(gate.claim(estimate: light))
        gate.release()
        await pool.shutdown()
    }

    @Test("a call that started alone teaches its cost only if no other call started before it ended")
    func ranAlone() async throws {
        let pool = InferencePool(workers: 1, queueDepth: 1)
        pool.start()
        let gate = LoopCompute(limit: .microseconds(500), pool: pool)
        let first = gate.starting()
        #expect(first != nil)
        #expect(gate.ranAlone(first) != nil)
        let second = gate.starting()
        _ = gate.starting()
        #expect(gate.ranAlone(second) == nil, "company came while it ran")
        #expect(gate.ranAlone(nil) == nil)

        let held = DispatchSemaphore(value: 0)
        let job = Task { try await pool.run { held.wait() } }
        try await eventually { pool.admittedJobs == 1 }
        #expect(gate.starting() == nil, "a worker is busy")
        held.signal()
        try await job.value
        #expect(gate.claim(estimate: .microseconds(100)))
        #expect(gate.starting() == nil, "another loop computes")
        #expect(gate.starting(claimed: true) != nil, "the loop that holds the claim")
        gate.release()
        await pool.shutdown()
    }

    /// A gate over a pool that never runs anything, for the arrival bookkeeping alone.
    private static func idleGate(limit: Duration = .microseconds(500)) -> LoopCompute {
        LoopCompute(limit: limit, pool: InferencePool(workers: 1, queueDepth: 1))
    }

    @Test("the gap is measured from one arrival to the next")
    func gaps() {
        let gate = Self.idleGate()
        let start = ContinuousClock.now
        #expect(gate.arrived(at: start).gap > .seconds(1_000_000), "the first call follows no other")
        #expect(gate.arrived(at: start + .microseconds(250)).gap == .microseconds(250))
        #expect(gate.arrived(at: start + .milliseconds(3)).gap == .microseconds(2750))
    }

    @Test("a call read while another is unanswered or computed is an overlap, remembered for overlapMemory")
    func overlaps() {
        let gate = Self.idleGate()
        let start = ContinuousClock.now
        #expect(gate.arrived(at: start).sinceOverlap > .seconds(1_000_000), "nothing overlapped yet")
        // One call with a worker and not answered: the next one read overlaps it.
        gate.handedOff()
        #expect(gate.arrived(at: start + .milliseconds(1)).sinceOverlap == .zero)
        gate.answered()
        #expect(gate.arrived(at: start + .milliseconds(2)).sinceOverlap == .milliseconds(1))
        // One call computed on a loop: a call read on another loop meanwhile overlaps it.
        #expect(gate.claim(estimate: .microseconds(100)))
        #expect(gate.arrived(at: start + .milliseconds(3)).sinceOverlap == .zero)
        gate.release()
        let later = gate.arrived(at: start + .milliseconds(3) + LoopCompute.defaultOverlapMemory)
        #expect(later.sinceOverlap == LoopCompute.defaultOverlapMemory)
        #expect(gate.admits(.microseconds(100), after: later) == .microseconds(100))
        // With loop computing off nothing is remembered.
        let off = Self.idleGate(limit: .zero)
        off.handedOff()
        #expect(off.arrived(at: start).sinceOverlap > .seconds(1_000_000))
    }

    // MARK: through a server

    /// The limit the servers here use: the largest allowed, so that whether a call is computed on the loop
    /// depends on the rules, not on how fast this machine (or a loaded CI runner) runs the fixture.
    static let limit: Duration = .milliseconds(100)
    /// Longer than the limit: a call after it always passes the gap rule when its estimate passes the limit.
    static let pause: Duration = limit + .milliseconds(10)

    /// A server with a generous limit, so that whether a call is computed on the loop depends on the rules,
    /// not on how fast this machine runs the fixture.
    private static func withServer(
        _ configure: @escaping (inout ServerConfiguration) -> Void = { _ in },
        _ body: @Sendable (ModelServer, Int, [MLPFixture.Run]) async throws -> Void
    ) async throws {
        try await TestServer.with({
            $0.loopComputeLimit = limit
            $0.inferenceWorkers = 2
            $0.inferenceQueueDepth = 16
            configure(&$0)
        }) { server, port in
            let expected = try MLPFixture.expected()
            _ = try await MLPFixture.register(port: port, name: "mlp")
            try await body(server, port, expected.runs)
        }
    }

    /// Predicts `run` alone: after a pause, so it comes well after the call before it.
    private static func predictAlone(_ client: MaaSClient, _ run: MLPFixture.Run) async throws -> [Float] {
        try await Task.sleep(for: Self.pause)
        let response = try await client.predict(MLPFixture.predictRequest(name: "mlp", run: run))
        return try #require(response.outputs.first?.tensor).floatValues()
    }

    @Test("an idle server computes a lone call on its loop, and answers what ONNX Runtime computes, batched version or not",
          arguments: [8, 1])
    func computesAlone(maxBatchSize: Int) async throws {
        try await Self.withServer({ $0.maxBatchSize = maxBatchSize }) { server, port, runs in
            let client = try await MaaSClient.connect(host: "127.0.0.1", port: port)
            defer { Task { await client.close() } }
            // The first call loads the model on the reader's path; it also times a call alone.
            #expect(maxDifference(try await Self.predictAlone(client, runs[0]), runs[0].y.values) <= 1e-5)
            #expect(server.callCounts.loopComputedCalls == 0)
            for _ in 0..<3 {
                #expect(maxDifference(try await Self.predictAlone(client, runs[0]), runs[0].y.values) <= 1e-5)
            }
            #expect(server.callCounts.loopComputedCalls == 3)
            #expect(server.inferencePool.admittedJobs == 0)
            // A batched version counts the calls computed on the loop as batches of one: its statistics count
            // every request it ran.
            let statistics = await server.batchQueues.statistics().map(\.statistics)
            #expect(statistics.map(\.rows) == (maxBatchSize > 1 ? [4] : []))
        }
    }

    @Test("no call is computed on the loop when it is turned off, or for a version that waits to batch",
          arguments: [
            (limit: Duration.zero, delay: Duration.zero),
            (limit: LoopComputeTests.limit, delay: .milliseconds(1)),
          ])
    func notComputed(limit: Duration, delay: Duration) async throws {
        try await Self.withServer({ $0.loopComputeLimit = limit; $0.maxQueueDelay = delay }) { server, port, runs in
            let client = try await MaaSClient.connect(host: "127.0.0.1", port: port)
            defer { Task { await client.close() } }
            for _ in 0..<4 {
                #expect(maxDifference(try await Self.predictAlone(client, runs[0]), runs[0].y.values) <= 1e-5)
            }
            #expect(server.callCounts.inlineCalls == 3)
            #expect(server.callCounts.loopComputedCalls == 0)
        }
    }

    @Test("a call far larger than those timed goes to a worker; the lone calls after it are computed on the loop again")
    func largeCallOnWorker() async throws {
        try await Self.withServer { server, port, runs in
            let client = try await MaaSClient.connect(host: "127.0.0.1", port: port)
            defer { Task { await client.close() } }
            _ = try await Self.predictAlone(client, runs[0])
            _ = try await Self.predictAlone(client, runs[0])
            #expect(server.callCounts.loopComputedCalls == 1)
            // 100,000 rows of the one timed: 1.6 MB, estimated far past the limit.
            let rows = 100_000
            let x = Array(repeating: runs[0].x.values, count: rows).flatMap { $0 }
            try await Task.sleep(for: Self.pause)
            let large = try await client.predict(PredictRequest(name: "mlp", inputs: [
                NamedTensor(name: "x", tensor: Tensor(shape: [rows, 4], floats: x)),
            ]))
            let values = try #require(large.outputs.first?.tensor).floatValues()
            #expect(values.count == rows * runs[0].y.values.count)
            #expect(maxDifference(Array(values.suffix(runs[0].y.values.count)), runs[0].y.values) <= 1e-5)
            #expect(server.callCounts.loopComputedCalls == 1)
            _ = try await Self.predictAlone(client, runs[0])
            #expect(server.callCounts.loopComputedCalls == 2)
        }
    }

    @Test("calls that arrive together go to the workers, where they may batch, not one after another on the loop")
    func togetherOnWorkers() async throws {
        try await Self.withServer { server, port, runs in
            let client = try await MaaSClient.connect(host: "127.0.0.1", port: port)
            _ = try await Self.predictAlone(client, runs[0])
            _ = try await Self.predictAlone(client, runs[0])
            await client.close()
            #expect(server.callCounts.loopComputedCalls == 1)
            try await Task.sleep(for: Self.pause)
            try await FrameClient.connect(port: port) { client in
                // Eight calls in one write: one read on the server.
                let frames = (1...8).map { id in
                    Framing.frame(Envelope(
                        callID: UInt64(id), method: Method.predict.rawValue, metadata: [:],
                        payload: MLPFixture.predictRequest(name: "mlp", run: runs[id % runs.count]).serializedBytes(),
                        endStream: true))
                }
                try await client.send(bytes: frames.flatMap { $0 })
                for _ in 1...8 {
                    let frame = try #require(try await client.next())
                    #expect(frame.statusCode == .ok)
                    let output = try #require(try frame.response(PredictResponse.self).outputs.first?.tensor)
                    let run = runs[Int(frame.callID) % runs.count]
                    #expect(maxDifference(output.floatValues(), run.y.values) <= 1e-5)
                }
            }
            #expect(server.callCounts.inlineCalls == 9)
            #expect(server.callCounts.loopComputedCalls == 1)
        }
    }

    @Test("after two clients' calls overlap, lone calls go to the workers until the overlap is forgotten",
          arguments: [Duration.seconds(3600), LoopCompute.defaultOverlapMemory])
    func overlapsKeepCallsOnWorkers(memory: Duration) async throws {
        try await Self.withServer({ $0.loopComputeOverlapMemory = memory }) { server, port, runs in
            let client = try await MaaSClient.connect(host: "127.0.0.1", port: port)
            let other = try await MaaSClient.connect(host: "127.0.0.1", port: port)
            defer { Task { await client.close(); await other.close() } }
            _ = try await Self.predictAlone(client, runs[0])
            _ = try await Self.predictAlone(client, runs[0])
            #expect(server.callCounts.loopComputedCalls == 1)
            // Both workers held: the first client's call waits for one, unanswered, when the second's is read.
            let gates = [Gate(), Gate()]
            defer { gates.forEach { $0.open() } }
            let blockers = gates.map { $0.occupyWorker(of: server) }
            try await eventually { server.inferencePool.admittedJobs == 2 }
            let started = server.callCounts.inlineCalls
            async let first = client.predict(MLPFixture.predictRequest(name: "mlp", run: runs[0]))
            try await eventually { server.callCounts.inlineCalls == started + 1 }
            async let second = other.predict(MLPFixture.predictRequest(name: "mlp", run: runs[1]))
            try await eventually { server.callCounts.inlineCalls == started + 2 }
            gates.forEach { $0.open() }
            for blocker in blockers { try await blocker.value }
            let answers = try await [first, second].map { try #require($0.outputs.first?.tensor).floatValues() }
            #expect(maxDifference(answers[0], runs[0].y.values) <= 1e-5)
            #expect(maxDifference(answers[1], runs[1].y.values) <= 1e-5)
            #expect(server.callCounts.loopComputedCalls == 1)
            // Lone calls, each after a pause longer than the default memory.
            for _ in 0..<3 {
                #expect(maxDifference(try await Self.predictAlone(client, runs[0]), runs[0].y.values) <= 1e-5)
            }
            let expected = memory > Self.pause ? 1 : 4
            #expect(server.callCounts.loopComputedCalls == expected)
        }
    }

    @Test("a call with a deadline is computed on the loop; one already late when read is answered DEADLINE_EXCEEDED, not run")
    func deadlines() async throws {
        try await Self.withServer { server, port, runs in
            let client = try await MaaSClient.connect(host: "127.0.0.1", port: port)
            _ = try await Self.predictAlone(client, runs[0])
            await client.close()
            try await FrameClient.connect(port: port) { client in
                for (id, timeout) in [(UInt64(1), "10000"), (2, "0")] {
                    try await Task.sleep(for: Self.pause)
                    try await client.send(Envelope(
                        callID: id, method: Method.predict.rawValue, metadata: [MetadataKey.timeoutMs: timeout],
                        payload: MLPFixture.predictRequest(name: "mlp", run: runs[0]).serializedBytes(), endStream: true))
                    let frame = try #require(try await client.next())
                    #expect(frame.callID == id)
                    if id == 1 {
                        #expect(frame.statusCode == .ok)
                        let output = try #require(try frame.response(PredictResponse.self).outputs.first?.tensor)
                        #expect(maxDifference(output.floatValues(), runs[0].y.values) <= 1e-5)
                    } else {
                        #expect(frame.statusCode == .deadlineExceeded)
                    }
                }
            }
            #expect(server.callCounts.inlineCalls == 2)
            #expect(server.callCounts.loopComputedCalls == 1)
        }
    }

    @Test("a broken clip computed on the loop gets the same INVALID_ARGUMENT as on a worker")
    func brokenClipOnLoop() async throws {
        let clipName = try #require(AudioFixture.manifest.clips.first { AudioFixture.clip($0).kind != "pcm" })
        let good = try AudioFixture.bytes(clipName)
        // The file's header and a few samples: still a WAV by its first bytes, cut short.
        let broken = PredictRequest(name: "kws", audio: .file(Array(good.prefix(30))))
        var answers: [String] = []
        for limit in [Self.limit, .zero] {
            let message = try await TestServer.with({ $0.loopComputeLimit = limit }) { server, port -> String in
                let client = try await MaaSClient.connect(host: "127.0.0.1", port: port)
                defer { Task { await client.close() } }
                let header = AudioFixture.header("kws", classes: AudioFixture.labels(.timeMajor))
                _ = try await AudioFixture.register(.timeMajor, as: header, on: client)
                let before = try await client.predict(PredictRequest(name: "kws", audio: .file(good)))
                try await Task.sleep(for: Self.pause)
                var message = ""
                do {
                    _ = try await client.predict(broken)
                    Issue.record("a clip cut short was answered")
                } catch let error as RPCError {
                    #expect(error.code == .invalidArgument)
                    message = error.message
                }
                #expect(server.callCounts.loopComputedCalls == (limit > .zero ? 1 : 0))
                // The server goes on serving the same connection.
                try await Task.sleep(for: Self.pause)
                #expect(try await client.predict(PredictRequest(name: "kws", audio: .file(good))) == before)
                return message
            }
            answers.append(message)
        }
        #expect(answers.count == 2 && answers[0] == answers[1] && answers[0].hasPrefix("audio"), "\(answers)")
    }

    @Test("random bytes behind a FLAC's magic are refused on the loop with INVALID_ARGUMENT, and the loop serves on")
    func garbageFlacOnLoop() async throws {
        let blip = PredictRequest(name: "kws", audio: .file(try AudioFixture.bytes("blip_16k_50ms.flac")))
        var generator = SystemRandomNumberGenerator()
        let garbage = Array("fLaC".utf8) + (0..<1400).map { _ in UInt8.random(in: 0...255, using: &generator) }
        try await TestServer.with({ $0.loopComputeLimit = Self.limit }) { server, port in
            let client = try await MaaSClient.connect(host: "127.0.0.1", port: port)
            defer { Task { await client.close() } }
            let header = AudioFixture.header("kws", classes: AudioFixture.labels(.timeMajor))
            _ = try await AudioFixture.register(.timeMajor, as: header, on: client)
            let expected = try await client.predict(blip)
            try await Task.sleep(for: Self.pause)
            do {
                _ = try await client.predict(PredictRequest(name: "kws", audio: .file(garbage)))
                Issue.record("random bytes were answered as audio")
            } catch let error as RPCError {
                #expect(error.code == .invalidArgument)
                #expect(error.message.hasPrefix("audio"), "\(error.message)")
            }
            #expect(server.callCounts.loopComputedCalls == 1, "refused on the loop, where its bytes sent it")
            try await Task.sleep(for: Self.pause)
            #expect(try await client.predict(blip) == expected)
            #expect(server.callCounts.loopComputedCalls == 2)
        }
    }

    @Test("a clip far longer than its bytes said is declined on the loop by its header, then computed on a worker; clips after it are back on the loop")
    func longClipOnWorker() async throws {
        // 50 ms of speech in 1.4 kB, and 50 s of silence in 2.3 kB: under twice the bytes, a thousand times the audio.
        let blip = PredictRequest(name: "kws", audio: .file(try AudioFixture.bytes("blip_16k_50ms.flac")))
        let silence = PredictRequest(name: "kws", audio: .file(try AudioFixture.bytes("silence_16k_50s.flac")))
        let header = AudioFixture.header("kws", classes: AudioFixture.labels(.timeMajor))
        // On workers only: the answers, and how long the blip takes here (the best of a few round trips).
        let (expected, roundTrip) = try await TestServer.with({ $0.loopComputeLimit = .zero }) { _, port in
            let client = try await MaaSClient.connect(host: "127.0.0.1", port: port)
            defer { Task { await client.close() } }
            _ = try await AudioFixture.register(.timeMajor, as: header, on: client)
            _ = try await client.predict(blip)
            var best = Duration.seconds(1)
            for _ in 0..<3 {
                let started = ContinuousClock.now
                _ = try await client.predict(blip)
                best = min(best, started.duration(to: .now))
            }
            return ([try await client.predict(blip), try await client.predict(silence)], best)
        }
        // Thirty times the blip (at most the limit's maximum): its calls fit, and so would the silence by its
        // bytes, but not by its length, whatever the load on this machine does to either within a factor of 30.
        let limit = min(roundTrip * 30, .milliseconds(100))
        let pause = limit + .milliseconds(10)
        try await TestServer.with({ $0.loopComputeLimit = limit }) { server, port in
            let client = try await MaaSClient.connect(host: "127.0.0.1", port: port)
            defer { Task { await client.close() } }
            _ = try await AudioFixture.register(.timeMajor, as: header, on: client)
            #expect(try await client.predict(blip) == expected[0])
            try await Task.sleep(for: pause)
            #expect(try await client.predict(blip) == expected[0])
            #expect(server.callCounts.loopComputedCalls == 1)
            try await Task.sleep(for: pause)
            #expect(try await client.predict(silence) == expected[1])
            #expect(server.callCounts.loopComputedCalls == 1)
            #expect(server.callCounts.loopDeclinedCalls == 1)
            #expect(server.callCounts.inlineCalls == 2)
            try await Task.sleep(for: pause)
            #expect(try await client.predict(blip) == expected[0])
            #expect(server.callCounts.loopComputedCalls == 2)
            #expect(server.callCounts.loopDeclinedCalls == 1)
        }
    }

    @Test("an audio call computed on the loop answers as on a worker, features included")
    func audioOnLoop() async throws {
        try await TestServer.with({ $0.loopComputeLimit = Self.limit }) { server, port in
            let client = try await MaaSClient.connect(host: "127.0.0.1", port: port)
            defer { Task { await client.close() } }
            let clipName = try #require(AudioFixture.manifest.clips.first)
            let audio = try AudioFixture.audio(clipName)
            let header = AudioFixture.header("kws", classes: AudioFixture.labels(.timeMajor))
            _ = try await AudioFixture.register(.timeMajor, as: header, on: client)
            let request = PredictRequest(name: "kws", audio: audio, includeFeatures: true)
            let onWorker = try await client.predict(request)
            try await Task.sleep(for: Self.pause)
            let onLoop = try await client.predict(request)
            #expect(server.callCounts.loopComputedCalls == 1)
            #expect(onLoop == onWorker)
            #expect(onLoop.features != nil)
        }
    }
}
