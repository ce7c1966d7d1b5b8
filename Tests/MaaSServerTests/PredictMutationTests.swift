import Foundation
import MaaSClient
import MaaSProtocol
import Synchronization
import Testing

@testable import MaaSServer

/// A seeded mutation fuzz of Predict against a real server: valid requests for a tensor model and two audio
/// models are answered once, then a few hundred mutations of them (bytes flipped, cut, inserted; varints and
/// length prefixes rewritten; fields duplicated, dropped, retyped; and edits made at the message level: shapes,
/// data lengths, dtypes, names, versions, top_k, garbage behind a FLAC or WAV header, odd PCM) are sent with
/// valid calls among them. Every call must be answered, OK or with a client-error status that says what is
/// wrong (INTERNAL or UNKNOWN for bytes a client sent is a server bug); re-encodings that protobuf says mean
/// the same request must get the same answer; and afterwards the valid requests get exactly their answers.
/// The corpus depends on `seed` only, so a failure names a case that can be rebuilt (`corpus(bases:seed:)`).
@Suite("Predict under seeded mutation", .timeLimit(.minutes(1)))
struct PredictMutationTests {
    static let seed: UInt64 = 0x6D61_6173_2D66_757A

    /// How the server meets the calls.
    enum Path: String, CaseIterable, Sendable, CustomTestStringConvertible {
        /// One call at a time on one connection, to a server that computes lone calls on its event loop.
        case loop
        /// Four connections sending bursts of eight calls, to a server without loop computing whose versions
        /// batch, so that hostile requests wait in a batch queue next to valid ones.
        case workers

        var testDescription: String { rawValue }

        func configure(_ configuration: inout ServerConfiguration) {
            configuration.loopComputeLimit = self == .loop ? .milliseconds(100) : .zero
            configuration.inferenceWorkers = self == .loop ? 2 : 1
            configuration.inferenceQueueDepth = 64
            configuration.maxCallsPerConnection = PredictMutationTests.burst
            // Mutated headers can claim long clips: the limit keeps the ones still decoded cheap.
            configuration.maxAudioSeconds = 2
            configuration.shutdownGracePeriod = .seconds(2)
        }

        var batching: BatchingConfig? {
            self == .workers ? BatchingConfig(maxBatchSize: 8, maxQueueDelayMicroseconds: 2000) : nil
        }
    }

    /// Calls in flight per connection: the server's limit, so a call left in a table shows as a refusal.
    static let burst = 8

    @Test("the corpus is the same for the same seed, and each base re-encodes byte for byte from its parsed fields")
    func corpusIsDeterministic() throws {
        let bases = try MutationBase.all()
        for base in bases {
            let payload = base.request.serializedBytes()
            #expect(WireTree.parse(payload, .request).map(WireTree.encode) == payload, "\(base.label)")
        }
        let first = Self.corpus(bases: bases, seed: Self.seed)
        let second = Self.corpus(bases: bases, seed: Self.seed)
        #expect(first.map(\.payload) == second.map(\.payload))
        #expect(first.map(\.label) == second.map(\.label))
        #expect(first.filter { !$0.answersAsBase }.count >= 250, "a few hundred mutations")
    }

    @Test("every mutated Predict is answered OK or with a client-error status that says why; equivalent encodings and valid calls keep their answers",
          arguments: Path.allCases)
    func mutations(path: Path) async throws {
        _ = try await Self.fuzz(path)
    }

    @Test("each mutation gets the same status and message computed on the loop as on a worker in a batch queue")
    func pathsAgree() async throws {
        async let onLoop = Self.fuzz(.loop)
        async let onWorkers = Self.fuzz(.workers)
        let (loop, workers) = try await (onLoop, onWorkers)
        #expect(loop.count == workers.count)
        let differing = loop.keys.sorted().filter { loop[$0] != workers[$0] }
        if !differing.isEmpty {
            let shown = differing.prefix(8).map { "\($0): loop \(loop[$0] ?? "none"), workers \(workers[$0] ?? "none")" }
            Issue.record("\(differing.count) mutations are answered differently:\n\(shown.joined(separator: "\n"))")
        }
    }

    /// Runs the corpus through a server set up for `path`, checks every answer and the server afterwards, and
    /// returns each call's outcome ("CODE message") by its label.
    static func fuzz(_ path: Path) async throws -> [String: String] {
        let bases = try MutationBase.all()
        let corpus = Self.corpus(bases: bases, seed: Self.seed)
        return try await TestServer.with(path.configure) { server, port in
            let client = try await MaaSClient.connect(host: "127.0.0.1", port: port)
            try await MutationBase.register(on: client, batching: path.batching)
            // The first call loads each version and decides its batching; the second is served inline.
            var expected: [PredictResponse] = []
            for base in bases {
                let answer = try await client.predict(base.request)
                #expect(try await client.predict(base.request) == answer, "\(base.label) asked twice")
                expected.append(answer)
            }
            let answers = expected

            let connections = path == .loop ? 1 : 4
            let (problems, outcomes) = try await withThrowingTaskGroup(of: Exchanged.self) { group in
                for connection in 0..<connections {
                    let share = corpus.indices.filter { $0 % connections == connection }.map { corpus[$0] }
                    group.addTask {
                        try await Self.exchange(
                            port: port, share, burst: path == .loop ? 1 : Self.burst, bases: bases, expected: answers,
                            name: "\(path) connection \(connection)")
                    }
                }
                var problems: [String] = []
                var outcomes: [String: String] = [:]
                for try await exchanged in group {
                    problems += exchanged.problems
                    outcomes.merge(exchanged.outcomes) { first, _ in first }
                }
                return (problems, outcomes)
            }
            if !problems.isEmpty {
                Issue.record("\(problems.count) problems on the \(path) path:\n\(problems.prefix(12).joined(separator: "\n"))")
            }

            try await eventually { server.inferencePool.admittedJobs == 0 }
            #expect(server.callCounts.inlineCalls > 0, "calls were served on the inline path")
            if path == .loop {
                #expect(server.callCounts.loopComputedCalls > 0, "calls were computed on the loop")
            } else {
                #expect(server.callCounts.loopComputedCalls == 0)
                let batched = await server.batchQueues.statistics().filter { $0.version.name == "mlp" }
                #expect(batched.first?.statistics.rows ?? 0 > 0, "mlp's calls went through its batch queue")
            }
            // Sent alone again, each valid request gets exactly the answer it got before the mutations.
            for (base, answer) in zip(bases, expected) {
                #expect(try await client.predict(base.request) == answer, "\(base.label) after the mutations")
            }
            await client.close()
            return outcomes
        }
    }

    struct Exchanged: Sendable {
        var problems: [String] = []
        /// "CODE message" by mutant label.
        var outcomes: [String: String] = [:]
    }

    // MARK: sending

    /// Sends `mutants` on one connection in bursts of `burst` frames written at once, checks every answer, then
    /// checks the call table is empty: as many valid calls as the connection may have in flight are taken and
    /// answered right.
    private static func exchange(
        port: Int, _ mutants: [Mutant], burst: Int, bases: [MutationBase], expected: [PredictResponse], name: String
    ) async throws -> Exchanged {
        let inFlight = InFlight()
        return try await withWatchdog(name, inFlight: inFlight) {
            try await FrameClient.connect(port: port) { client in
                var exchanged = Exchanged()
                var callID: UInt64 = 0
                let chunks = stride(from: 0, to: mutants.count, by: burst).map {
                    Array(mutants[$0..<min($0 + burst, mutants.count)])
                }
                let closing = (0..<Self.burst).map { Mutant(valid: $0 % bases.count, label: "table check \($0)", bases: bases) }
                for chunk in chunks + [closing] {
                    var pending: [UInt64: Mutant] = [:]
                    var frames: [UInt8] = []
                    for mutant in chunk {
                        callID += 1
                        pending[callID] = mutant
                        frames += Framing.frame(Envelope(
                            callID: callID, method: Method.predict.rawValue, payload: mutant.payload, endStream: true))
                    }
                    inFlight.labels.withLock { $0 = chunk.map(\.label) }
                    try await client.send(bytes: frames)
                    while !pending.isEmpty {
                        guard let answer = try await client.next() else {
                            let unanswered = pending.values.map { $0.describe() }.joined(separator: "; ")
                            exchanged.problems.append("\(name): the server closed the connection before answering \(unanswered)")
                            return exchanged
                        }
                        guard let mutant = pending.removeValue(forKey: answer.callID) else {
                            exchanged.problems.append("\(name): an answer for call \(answer.callID), which was not in flight")
                            continue
                        }
                        let status = answer.status ?? Status(code: .ok)
                        exchanged.outcomes[mutant.label] = "\(status.code) \(status.message)"
                        if let problem = Self.problem(with: answer, for: mutant, expected: expected[mutant.base]) {
                            exchanged.problems.append("\(name): \(problem)")
                        }
                    }
                }
                return exchanged
            }
        }
    }

    /// What is wrong with `answer` to `mutant`, or nil.
    private static func problem(with answer: Envelope, for mutant: Mutant, expected: PredictResponse) -> String? {
        let status = answer.status ?? Status(code: .ok)
        guard status.code == .ok else {
            if mutant.answersAsBase { return "\(status.code) '\(status.message)' to \(mutant.describe())" }
            // No deadline is sent and the server is not stopping: those codes mean a call was lost, not refused.
            let serverFaults: [StatusCode] = [.internal, .unknown, .deadlineExceeded, .cancelled, .unavailable, .dataLoss]
            if serverFaults.contains(status.code) { return "\(status.code) '\(status.message)' to \(mutant.describe())" }
            if status.message.isEmpty { return "\(status.code) with no message to \(mutant.describe())" }
            // A refusal of the client's bytes must not read as the server's fault, nor trail off.
            let text = status.message.lowercased()
            if status.message.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
                return "\(status.code) '\(status.message)' carries a raw control character, to \(mutant.describe())"
            }
            if text.contains("internal error") || text.hasSuffix("are ") || text.hasSuffix(": ") {
                return "\(status.code) '\(status.message)' reads as unfinished or as a server fault, to \(mutant.describe())"
            }
            return nil
        }
        guard let response = try? answer.response(PredictResponse.self) else {
            return "an OK answer that is not a PredictResponse to \(mutant.describe())"
        }
        if mutant.answersAsBase, !response.answers(like: expected) {
            return "another answer (\(response.outputs.first?.tensor?.shape ?? [])) to \(mutant.describe())"
        }
        return nil
    }

    struct Hang: Error, CustomStringConvertible {
        let connection: String
        let inFlight: [String]
        var description: String { "\(connection): no answer within \(PredictMutationTests.patience) to \(inFlight)" }
    }

    static let patience: Duration = .seconds(20)

    /// The labels of the calls a connection has in flight, for the watchdog to name.
    final class InFlight: Sendable {
        let labels = Mutex<[String]>([])
    }

    /// Runs `body`, or throws `Hang` naming the calls in flight once `patience` has passed.
    private static func withWatchdog<Result: Sendable>(
        _ connection: String, inFlight: InFlight, _ body: @escaping @Sendable () async throws -> Result
    ) async throws -> Result {
        try await withThrowingTaskGroup(of: Result?.self) { group in
            group.addTask { try await body() }
            group.addTask {
                try await Task.sleep(for: patience)
                return nil
            }
            defer { group.cancelAll() }
            guard case .some(.some(let result)) = try await group.next() else {
                throw Hang(connection: connection, inFlight: inFlight.labels.withLock { $0 })
            }
            return result
        }
    }
}

extension PredictMutationTests {
    /// The mutations of every base, shuffled, with a valid call of some base after every second one.
    static func corpus(bases: [MutationBase], seed: UInt64) -> [Mutant] {
        var dice = Dice(seed: seed)
        var mutants: [Mutant] = []
        for index in bases.indices {
            let maker = MutantMaker(base: bases[index], index: index, bases: bases)
            mutants += maker.structured()
            for round in 0..<22 { mutants.append(maker.wireMutant(round, &dice)) }
            for round in 0..<4 { mutants.append(maker.equivalent(round, &dice)) }
        }
        dice.shuffle(&mutants)
        var calls: [Mutant] = []
        for (number, mutant) in mutants.enumerated() {
            calls.append(Mutant(label: "#\(number) \(mutant.label)", base: mutant.base, payload: mutant.payload,
                                answersAsBase: mutant.answersAsBase))
            if number % 2 == 1 { calls.append(Mutant(valid: dice.roll(bases.count), label: "#\(number)+", bases: bases)) }
        }
        return calls
    }
}
