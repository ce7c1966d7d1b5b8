import Foundation
import MaaSClient
import MaaSModelConfig
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

// MARK: the corpus

/// One call of the fuzz: its payload, and what its answer must be.
struct Mutant: Sendable {
    let label: String
    /// The valid request it was made from (an index into the bases).
    let base: Int
    let payload: [UInt8]
    /// The base's answer is required: a valid call, or an encoding protobuf says means the same.
    let answersAsBase: Bool

    init(label: String, base: Int, payload: [UInt8], answersAsBase: Bool = false) {
        self.label = label
        self.base = base
        self.payload = payload
        self.answersAsBase = answersAsBase
    }

    init(valid base: Int, label: String, bases: [MutationBase]) {
        self.init(label: "\(label): valid \(bases[base].label)", base: base, payload: bases[base].request.serializedBytes(),
                  answersAsBase: true)
    }

    /// The label and the payload, whole when short enough to paste.
    func describe() -> String {
        let hex = payload.prefix(2048).map { String(format: "%02x", $0) }.joined()
        return "\(label) [\(payload.count) bytes: \(hex)\(payload.count > 2048 ? "…" : "")]"
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

/// A fixed sequence of numbers (SplitMix64), the same on every toolchain.
struct Dice {
    var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A number in 0..<sides.
    mutating func roll(_ sides: Int) -> Int { Int(next() % UInt64(max(sides, 1))) }

    mutating func bytes(_ count: Int) -> [UInt8] { (0..<count).map { _ in UInt8(truncatingIfNeeded: next()) } }

    mutating func pick<T>(_ choices: [T]) -> T { choices[roll(choices.count)] }

    mutating func shuffle<T>(_ array: inout [T]) {
        for i in array.indices.reversed() where i > 0 { array.swapAt(i, roll(i + 1)) }
    }
}

/// The valid requests the mutations start from, and the models they are for.
struct MutationBase: Sendable {
    enum Kind: Sendable { case tensor, file, pcm }

    let label: String
    let request: PredictRequest
    let kind: Kind

    /// A 50 ms 440 Hz tone at 16 kHz, as raw PCM.
    static let tone: [UInt8] = (0..<800).map { Float(sin(Double($0) * 2 * .pi * 440 / 16000) * 0.5) }
        .withUnsafeBytes { Array($0) }

    static func all() throws -> [MutationBase] {
        let runs = try MLPFixture.expected().runs
        let blip = try AudioFixture.bytes("blip_16k_50ms.flac")
        let wav = try AudioFixture.bytes("speech_16k.wav")
        let pcm = RawAudio(sampleRate: 16000, channels: 1, samples: tone)
        return runs.indices.map {
            MutationBase(
                label: "mlp run \($0)", request: MLPFixture.predictRequest(name: "mlp", run: runs[$0]), kind: .tensor)
        } + [
            MutationBase(label: "kws FLAC", request: PredictRequest(name: "kws", audio: .file(blip)), kind: .file),
            MutationBase(label: "kws WAV", request: PredictRequest(name: "kws", audio: .file(wav)), kind: .file),
            MutationBase(label: "kws PCM", request: PredictRequest(name: "kws", audio: .pcm(pcm)), kind: .pcm),
            MutationBase(label: "speech FLAC", request: PredictRequest(name: "speech", audio: .file(blip)), kind: .file),
            MutationBase(
                label: "speech PCM", request: PredictRequest(name: "speech", audio: .pcm(pcm), topK: 3), kind: .pcm),
        ]
    }

    /// mlp (the tensor classifier), kws (the 16 kHz keyword model, labelled, not batchable: its batch axis is
    /// fixed) and speech (the reference LSTM, labelled, batchable); `batching` for mlp and speech.
    static func register(on client: MaaSClient, batching: BatchingConfig?) async throws {
        _ = try await client.registerModel(
            header: ModelHeader(name: "mlp", format: .onnx, batching: batching),
            fileAt: MLPFixture.directory.appendingPathComponent("mlp.onnx").path, chunkSize: 1 << 16)
        _ = try await AudioFixture.register(
            .timeMajor, as: AudioFixture.header("kws", classes: AudioFixture.labels(.timeMajor)), on: client)
        var speech = AudioFixture.header(
            "speech", audio: AudioConfig(features: .librosaDefault, layout: .timeMajor).frontEnd,
            classes: ClassLabels(names: (0..<10).map { "c\($0)" }))
        speech.batching = batching
        _ = try await client.registerModel(
            header: speech, fileAt: EngineModelFixtures.path("reference_speech"), chunkSize: 1 << 16)
    }
}

extension PredictResponse {
    /// The same answer up to 1e-5 per value: a batch may sum in another order than a call alone.
    func answers(like other: PredictResponse) -> Bool {
        func close(_ a: Tensor?, _ b: Tensor?) -> Bool {
            guard let a, let b else { return a == nil && b == nil }
            return a.dtype == b.dtype && a.shape == b.shape && maxDifference(a.floatValues(), b.floatValues()) <= 1e-5
        }
        return name == other.name && version == other.version && transcript == other.transcript
            && outputs.map(\.name) == other.outputs.map(\.name)
            && zip(outputs, other.outputs).allSatisfy { close($0.tensor, $1.tensor) }
            && topClasses.map(\.index) == other.topClasses.map(\.index)
            && topClasses.map(\.label) == other.topClasses.map(\.label)
            && maxDifference(topClasses.map(\.probability), other.topClasses.map(\.probability)) <= 1e-5
            && close(features, other.features)
    }
}

// MARK: making mutants

/// The mutations of one base.
struct MutantMaker {
    let base: MutationBase
    let index: Int
    let bases: [MutationBase]
    let payload: [UInt8]
    let fields: [WireField]

    init(base: MutationBase, index: Int, bases: [MutationBase]) {
        self.base = base
        self.index = index
        self.bases = bases
        payload = base.request.serializedBytes()
        fields = WireTree.parse(payload, .request) ?? []
    }

    private func mutant(_ label: String, _ payload: [UInt8], same: Bool = false) -> Mutant {
        Mutant(label: "\(base.label): \(label)", base: index, payload: payload, answersAsBase: same)
    }

    private func mutant(_ label: String, _ edit: (inout PredictRequest) -> Void) -> Mutant {
        var request = base.request
        edit(&request)
        return mutant(label, request.serializedBytes())
    }

    /// A field edit at the wire level with every enclosing length written again.
    private func mutant(_ label: String, at path: [UInt64], _ edit: (inout [WireField], Int) -> Void) -> Mutant {
        var edited = fields
        WireTree.edit(&edited, firstOf: path[...], edit)
        return mutant(label, WireTree.encode(edited))
    }

    // MARK: bytes and fields

    /// Round `round`'s mutation at the byte or field level; the kinds take turns.
    func wireMutant(_ round: Int, _ dice: inout Dice) -> Mutant {
        let sites = WireTree.sites(fields)
        var bytes = payload
        // Half the positions fall in the first 80 bytes: the message's and the audio file's headers.
        func position(_ count: Int) -> Int { dice.roll(2) == 0 ? dice.roll(min(count, 80)) : dice.roll(count) }
        switch round % 11 {
        case 0:
            let flips = 1 + dice.roll(4)
            for _ in 0..<flips { bytes[position(bytes.count)] ^= UInt8(1 + dice.roll(255)) }
            return mutant("\(flips) bytes flipped", bytes)
        case 1:
            let end = position(bytes.count)
            return mutant("cut at byte \(end)", Array(bytes.prefix(end)))
        case 2:
            let at = position(bytes.count + 1)
            bytes.insert(contentsOf: dice.bytes(1 + dice.roll(16)), at: at)
            return mutant("random bytes inserted at \(at)", bytes)
        case 3:
            let site = dice.pick(sites.filter { $0.kind != .length })
            let encoding = WireTree.hostileVarint(&dice)
            bytes.replaceSubrange(site.range, with: encoding)
            return mutant("varint at \(site.range.lowerBound) (\(site.kind)) became \(encoding.hex)", bytes)
        case 4:
            let site = dice.pick(sites.filter { $0.kind == .length })
            let old = WireTree.readVarint(bytes, site.range.lowerBound)?.value ?? 0
            let new = dice.pick([old &+ 1, old &- 1, old &+ 3, 0, old &* 2 &+ 1, 1 << 31, UInt64.max, old &+ 1 << 20])
            bytes.replaceSubrange(site.range, with: WireTree.varint(new))
            return mutant("length prefix at \(site.range.lowerBound) \(old) became \(new)", bytes)
        case 5:
            let site = dice.pick(sites.filter { $0.kind == .tag })
            bytes.insert(contentsOf: bytes[site.field], at: site.field.upperBound)
            return mutant("field at \(site.field) repeated in place, enclosing lengths left", bytes)
        case 6:
            let path = dice.pick(WireTree.paths(fields))
            var edited = fields
            WireTree.edit(&edited, at: path[...]) { level, i in level.insert(level[i], at: i + 1) }
            return mutant("field \(path) duplicated", WireTree.encode(edited))
        case 7:
            let path = dice.pick(WireTree.paths(fields))
            var edited = fields
            WireTree.edit(&edited, at: path[...]) { level, i in level.remove(at: i) }
            return mutant("field \(path) dropped", WireTree.encode(edited))
        case 8:
            let path = dice.pick(WireTree.paths(fields))
            let value = dice.pick(WireTree.interestingValues)
            var edited = fields
            WireTree.edit(&edited, at: path[...]) { level, i in level[i].value = .varint(value) }
            return mutant("field \(path) became varint \(value)", WireTree.encode(edited))
        case 9:
            let path = dice.pick(WireTree.paths(fields))
            let garbage = dice.bytes(dice.roll(40))
            let fixed = dice.roll(2) == 0 ? dice.bytes(4) : dice.bytes(8)
            let value: WireField.Value = dice.pick([.bytes(garbage), .fixed(fixed)])
            var edited = fields
            WireTree.edit(&edited, at: path[...]) { level, i in level[i].value = value }
            return mutant("field \(path) became \(value.kindName) \(value.kindName == "bytes" ? garbage.hex : fixed.hex)",
                          WireTree.encode(edited))
        default:
            let at = dice.roll(bytes.count)
            bytes[at] = dice.pick([0x00, 0xFF, 0x80, 0x7F])
            return mutant("byte \(at) set to \(bytes[at])", bytes)
        }
    }

    /// Round `round`'s re-encoding that protobuf's rules say is the same request.
    func equivalent(_ round: Int, _ dice: inout Dice) -> Mutant {
        var edited = fields
        let label: String
        switch round % 4 {
        case 0:
            WireTree.shuffle(&edited, &dice)
            label = "fields reordered"
        case 1:
            WireTree.insertUnknown(&edited, &dice)
            label = "unknown fields inserted"
        case 2:
            // An earlier value of a singular field is overwritten by the last one.
            edited.insert(WireField(number: 1, value: .bytes(Array("decoy".utf8))), at: 0)
            edited.insert(WireField(number: 2, value: .varint(7)), at: 0)
            edited.append(WireField(number: 2, value: .varint(0)))
            edited.append(WireField(number: 7, value: .varint(UInt64(base.request.topK))))
            edited.append(WireField(number: 6, value: .varint(0)))
            if base.kind == .file {
                edited.insert(WireField(number: 4, value: .bytes(Array("fLaC".utf8) + dice.bytes(20))), at: 0)
            }
            label = "decoys before the real values, defaults written out"
        default:
            WireTree.unpackShapes(&edited)
            WireTree.insertUnknown(&edited, &dice)
            WireTree.shuffle(&edited, &dice)
            label = "shapes unpacked, unknown fields, fields reordered"
        }
        return mutant(label, WireTree.encode(edited), same: true)
    }

    // MARK: message-level edits

    func structured() -> [Mutant] {
        switch base.kind {
        case .tensor: tensorEdits()
        case .file: fileEdits() + commonAudioEdits()
        case .pcm: pcmEdits() + commonAudioEdits()
        }
    }

    private func tensorEdits() -> [Mutant] {
        let tensor = base.request.inputs[0].tensor!
        let data = Array(tensor.rawData)
        func input(_ label: String, shape: [Int64]? = nil, raw: [UInt8]? = nil, dtype: DataType? = nil) -> Mutant {
            mutant(label) { request in
                var tensor = tensor
                tensor.shape = shape ?? tensor.shape
                tensor.rawData = BytesView(raw ?? data)
                tensor.dtype = dtype ?? tensor.dtype
                request.inputs[0].tensor = tensor
            }
        }
        let sizes = [
            input("raw data one float short", raw: Array(data.dropLast(4))),
            input("raw data one float long", raw: data + [0, 0, 128, 63]),
        ]
        guard index == 0 else { return sizes }
        let x = base.request.inputs[0]
        let floats: ([Float]) -> [UInt8] = { values in values.withUnsafeBytes { Array($0) } }
        var dice = Dice(seed: 4096)
        let rows = (0..<4096 * 4).map { _ in Float(dice.roll(2001) - 1000) / 100 }
        return sizes + [
            input("raw data one byte short", raw: Array(data.dropLast(1))),
            input("raw data one byte long", raw: data + [0]),
            input("no raw data", raw: []),
            input("shape [0, 4], no data", shape: [0, 4], raw: []),
            input("shape [0, 4] with the data", shape: [0, 4]),
            input("shape [Int64.max, 4]", shape: [.max, 4]),
            input("shape [2^31, 4]", shape: [1 << 31, 4]),
            input("shape [2^40, 2^40]", shape: [1 << 40, 1 << 40]),
            input("shape [2^62, 4]", shape: [1 << 62, 4]),
            input("shape [-1, 4]", shape: [-1, 4]),
            input("shape [Int64.min, 4]", shape: [.min, 4]),
            input("shape [1, -4]", shape: [1, -4]),
            input("shape [-1, -4]", shape: [-1, -4]),
            input("scalar shape", shape: []),
            input("shape [4]", shape: [4]),
            input("shape [1, 1, 4]", shape: [1, 1, 4]),
            input("shape [4, 1]", shape: [4, 1]),
            input("shape [1, 3], 12 bytes", shape: [1, 3], raw: Array(data.prefix(12))),
            input("shape [1, 5], 20 bytes", shape: [1, 5], raw: data + data.prefix(4)),
            input("shape [1, 4, 0], no data", shape: [1, 4, 0], raw: []),
            input("64 dimensions of 1, then 4", shape: Array(repeating: 1, count: 64) + [4]),
            input("dtype int64 over float bytes", dtype: .int64),
            input("dtype int64, 8 bytes a value", raw: Array(Tensor(shape: [1, 4], int64s: [1, 2, 3, 4]).rawData),
                  dtype: .int64),
            input("dtype unspecified", dtype: .unspecified),
            input("NaN and infinities", raw: floats([.nan, .infinity, -.infinity, .greatestFiniteMagnitude])),
            input("4096 rows", shape: [4096, 4], raw: floats(rows)),
            mutant("dtype 3", at: [3, 2, 1]) { level, i in level[i].value = .varint(3) },
            mutant("dtype 99", at: [3, 2, 1]) { level, i in level[i].value = .varint(99) },
            mutant("dtype Int32.max", at: [3, 2, 1]) { level, i in level[i].value = .varint(UInt64(Int32.max)) },
            mutant("dtype -1", at: [3, 2, 1]) { level, i in level[i].value = .varint(.max) },
            mutant("model name empty") { $0.name = "" },
            mutant("model name MLP") { $0.name = "MLP" },
            mutant("model name ../mlp") { $0.name = "../mlp" },
            mutant("model name of 10,000 letters") { $0.name = String(repeating: "m", count: 10_000) },
            mutant("model name not UTF-8", at: [1]) { level, i in level[i].value = .bytes([0x6D, 0xC3, 0x28]) },
            mutant("input name empty") { $0.inputs[0].name = "" },
            mutant("input name y") { $0.inputs[0].name = "y" },
            mutant("input name not UTF-8", at: [3, 1]) { level, i in level[i].value = .bytes([0x78, 0xFF]) },
            mutant("input x twice") { $0.inputs.append(x) },
            mutant("inputs x and y") { $0.inputs.append(NamedTensor(name: "y", tensor: tensor)) },
            mutant("no inputs") { $0.inputs = [] },
            mutant("an input without a tensor") { $0.inputs[0].tensor = nil },
            mutant("version -1") { $0.version = -1 },
            mutant("version Int64.min") { $0.version = .min },
            mutant("version Int64.max") { $0.version = .max },
            mutant("version 2, not registered") { $0.version = 2 },
            mutant("version 1, written out") { $0.version = 1 },
            mutant("top_k Int32.max") { $0.topK = .max },
            mutant("top_k -1") { $0.topK = -1 },
            mutant("top_k Int32.min") { $0.topK = .min },
            mutant("features asked of a tensor model") { $0.includeFeatures = true },
            mutant("audio for the tensor model") { $0.inputs = []; $0.audio = bases[3].request.audio },
            mutant("PCM beside the tensor") { $0.audio = bases[5].request.audio },
        ]
    }

    /// Edits of the file's own bytes, at the offsets of its FLAC or canonical 44-byte WAV header.
    private func fileEdits() -> [Mutant] {
        guard case .file(let view) = base.request.audio else { return [] }
        let file = Array(view)
        var dice = Dice(seed: UInt64(index) &* 7919)
        func audio(_ label: String, _ bytes: [UInt8]) -> Mutant {
            mutant(label) { $0.audio = .file(bytes) }
        }
        func patched(_ offset: Int, _ bytes: [UInt8]) -> [UInt8] {
            var copy = file
            copy.replaceSubrange(offset..<(offset + bytes.count), with: bytes)
            return copy
        }
        if file.starts(with: Array("fLaC".utf8)) {
            let sync = (42..<(file.count - 1)).first { file[$0] == 0xFF && file[$0 + 1] == 0xF8 } ?? 42
            return [
                audio("random bytes behind fLaC", Array("fLaC".utf8) + dice.bytes(1 + dice.roll(1500))),
                audio("STREAMINFO, then random bytes", Array(file.prefix(42)) + dice.bytes(600)),
                audio("STREAMINFO alone", Array(file.prefix(42))),
                audio("total samples 2^36 - 1", patched(21, [file[21] | 0x0F, 0xFF, 0xFF, 0xFF, 0xFF])),
                audio("sample rate 0", patched(18, [0, 0, file[20] & 0x0F])),
                audio("8 channels of 32 bits", patched(20, [file[20] & 0xF0 | 0x0F, file[21] | 0xF0])),
                audio("block sizes 0", patched(8, [0, 0, 0, 0])),
                audio("first frame's sync code broken", patched(sync, [0x00, 0x00])),
                audio("metadata block length 2^24 - 1", patched(5, [0xFF, 0xFF, 0xFF])),
                // Within the length limit by its header, far longer than its frames: decoded, then short.
                audio("total samples 30,400 (1.9 s)", patched(21, [file[21] & 0xF0, 0x00, 0x00, 0x76, 0xC0])),
            ]
        }
        let header = Array(file.prefix(44))
        return [
            audio("random bytes behind RIFF WAVE",
                  Array("RIFF".utf8) + [0x24, 0x4B, 0, 0] + Array("WAVE".utf8) + dice.bytes(900)),
            audio("the header, then random bytes", header + dice.bytes(1000)),
            audio("the header alone", header),
            audio("data size 0xFFFFFFFF", patched(40, [0xFF, 0xFF, 0xFF, 0xFF])),
            audio("data size 1.9 s, past the file's end", patched(40, [0x80, 0xED, 0x00, 0x00])),
            audio("RIFF size 0", patched(4, [0, 0, 0, 0])),
            audio("sample rate 0", patched(24, [0, 0, 0, 0])),
            audio("sample rate 1", patched(24, [1, 0, 0, 0])),
            audio("sample rate 0xFFFFFFFF", patched(24, [0xFF, 0xFF, 0xFF, 0xFF])),
            audio("channels 0", patched(22, [0, 0])),
            audio("channels 0xFFFF", patched(22, [0xFF, 0xFF])),
            audio("bits per sample 0", patched(34, [0, 0])),
            audio("bits per sample 7", patched(34, [7, 0])),
            audio("bits per sample 64", patched(34, [64, 0])),
            audio("format tag 0xFFFF", patched(20, [0xFF, 0xFF])),
            audio("float format at 16 bits", patched(20, [3, 0])),
            audio("block align 0", patched(32, [0, 0])),
            audio("data chunk renamed", patched(36, Array("daTa".utf8))),
            audio("fmt chunk size 0xFFFFFFF0", patched(16, [0xF0, 0xFF, 0xFF, 0xFF])),
        ]
    }

    private func pcmEdits() -> [Mutant] {
        guard case .pcm(let pcm) = base.request.audio else { return [] }
        func raw(_ label: String, rate: Int32? = nil, channels: Int32? = nil, samples: [UInt8]? = nil) -> Mutant {
            mutant(label) {
                $0.audio = .pcm(RawAudio(
                    sampleRate: rate ?? pcm.sampleRate, channels: channels ?? pcm.channels,
                    samples: BytesView(samples ?? Array(pcm.samples))))
            }
        }
        let floats: (Float) -> [UInt8] = { value in Array(repeating: value, count: 800).withUnsafeBytes { Array($0) } }
        return [
            raw("sample rate 0", rate: 0),
            raw("sample rate -1", rate: -1),
            raw("sample rate Int32.max", rate: .max),
            raw("sample rate Int32.min", rate: .min),
            raw("sample rate 1", rate: 1),
            raw("sample rate 100", rate: 100),
            raw("channels -1", channels: -1),
            raw("channels Int32.max", channels: .max),
            raw("channels 3 over 800 samples", channels: 3),
            raw("channels 2", channels: 2),
            raw("channels 0", channels: 0),
            raw("3 bytes of samples", samples: [1, 2, 3]),
            raw("samples one byte long", samples: Array(pcm.samples) + [0]),
            raw("no samples", samples: []),
            raw("NaN samples", samples: floats(.nan)),
            raw("infinite samples", samples: floats(.infinity)),
            raw("samples of 1e38", samples: floats(1e38)),
        ]
    }

    private func commonAudioEdits() -> [Mutant] {
        var dice = Dice(seed: UInt64(index) &* 104_729)
        let model = base.request.name
        let features = model == "kws" ? 13 : 20
        let input = model == "kws" ? "mfcc" : "x"
        func file(_ label: String, _ bytes: [UInt8]) -> Mutant { mutant(label) { $0.audio = .file(bytes) } }
        func tensor(_ label: String, shape: [Int], values: Int? = nil) -> Mutant {
            let count = values ?? shape.reduce(1, *)
            return mutant(label) {
                $0.audio = nil
                $0.inputs = [NamedTensor(name: input, tensor: Tensor(
                    dtype: .float32, shape: shape.map(Int64.init), rawData: [UInt8](repeating: 0, count: 4 * count)))]
            }
        }
        return [
            file("empty audio file", []),
            file("a one-byte audio file", [0x66]),
            file("random bytes behind OggS", Array("OggS".utf8) + dice.bytes(700)),
            file("random bytes behind FORM AIFF", Array("FORM".utf8) + [0, 0, 2, 0] + Array("AIFF".utf8) + dice.bytes(500)),
            file("random bytes, no magic", dice.bytes(1200)),
            mutant("audio cut near half (a PCM's to 1602 bytes)") { request in
                if case .file(let bytes) = request.audio { request.audio = .file(Array(bytes.prefix(bytes.count / 2))) }
                if case .pcm(var pcm) = request.audio {
                    pcm.samples = BytesView(Array(pcm.samples.prefix(1602)))
                    request.audio = .pcm(pcm)
                }
            },
            mutant("top_k Int32.max") { $0.topK = .max },
            mutant("top_k 1000") { $0.topK = 1000 },
            mutant("top_k -1") { $0.topK = -1 },
            mutant("version 7, not registered") { $0.version = 7 },
            mutant("features asked, random bytes behind fLaC") {
                $0.includeFeatures = true
                $0.audio = .file(Array("fLaC".utf8) + dice.bytes(300))
            },
            mutant("audio and the model's input as a tensor") {
                let zeros = [Float](repeating: 0, count: 5 * features)
                $0.inputs = [NamedTensor(name: input, tensor: Tensor(shape: [5, 1, features], floats: zeros))]
            },
            mutant("an input the model does not have, beside the audio") {
                $0.inputs = [NamedTensor(name: "gain", tensor: Tensor(shape: [1], floats: [1]))]
            },
            mutant("an empty RawAudio") { $0.audio = .pcm(RawAudio()) },
            tensor("features as a tensor, 0 frames", shape: [0, 1, features]),
            tensor("features as a tensor, 3 in a batch", shape: [4, 3, features]),
            tensor("features as a tensor, one feature too many", shape: [4, 1, features + 1]),
            tensor("features as a tensor, one value short", shape: [4, 1, features], values: 4 * features - 1),
        ]
    }
}

// MARK: the wire, field by field

/// One field of a protobuf message as it sits on the wire.
struct WireField: Equatable, Sendable {
    enum Value: Equatable, Sendable {
        case varint(UInt64)
        /// 4 bytes (wire type 5) or 8 (wire type 1).
        case fixed([UInt8])
        case bytes([UInt8])
        /// A length-delimited field holding a known message, parsed.
        case message([WireField])

        var kindName: String {
            switch self {
            case .varint: "varint"
            case .fixed: "fixed"
            case .bytes: "bytes"
            case .message: "message"
            }
        }
    }

    var number: UInt64
    var value: Value
}

/// Parses and writes Predict requests field by field, so a test can edit one field deep inside one and write
/// every enclosing length again, or find where each tag, length and varint sits to break it in place.
enum WireTree {
    /// The messages of a PredictRequest whose fields are parsed further.
    enum Schema {
        case request, namedTensor, tensor, rawAudio

        func child(_ number: UInt64) -> Schema? {
            switch (self, number) {
            case (.request, 3): .namedTensor
            case (.request, 5): .rawAudio
            case (.namedTensor, 2): .tensor
            default: nil
            }
        }
    }

    /// Where a tag, length prefix or varint value sits in the encoding, and the whole field it belongs to.
    struct Site {
        enum Kind { case tag, length, value }
        let kind: Kind
        let range: Range<Int>
        let field: Range<Int>
    }

    static let interestingValues: [UInt64] = [
        0, 1, 2, 3, 0x7F, 0x80, 0xFF, 0x7FFF_FFFF, 0x8000_0000, 0xFFFF_FFFF, 1 << 32, UInt64(Int64.max), 1 << 63,
        .max - 1, .max,
    ]

    static func varint(_ value: UInt64) -> [UInt8] {
        var value = value
        var bytes: [UInt8] = []
        while value >= 0x80 {
            bytes.append(UInt8(value & 0x7F) | 0x80)
            value >>= 7
        }
        return bytes + [UInt8(value)]
    }

    /// A varint encoding a strict decoder must refuse or at least read with care.
    static func hostileVarint(_ dice: inout Dice) -> [UInt8] {
        switch dice.roll(5) {
        case 0: [UInt8](repeating: 0x80, count: 10) + [0x01]  // 11 bytes
        case 1: [UInt8](repeating: 0xFF, count: 9) + [0x7F]  // past 64 bits
        case 2: [UInt8](repeating: 0xFF, count: 1 + dice.roll(12))  // never ends
        case 3: [0x81, 0x80, 0x80, 0x00]  // 1, padded
        default: varint(dice.pick(interestingValues))
        }
    }

    static func readVarint(_ bytes: [UInt8], _ start: Int) -> (value: UInt64, end: Int)? {
        var value: UInt64 = 0
        var i = start
        while i < bytes.count, i - start < 10 {
            value |= UInt64(bytes[i] & 0x7F) << (7 * UInt64(i - start))
            i += 1
            if bytes[i - 1] < 0x80 { return (value, i) }
        }
        return nil
    }

    /// The fields of a well-formed message; nil for bytes that are not one.
    static func parse(_ bytes: [UInt8], _ schema: Schema?) -> [WireField]? {
        var fields: [WireField] = []
        var i = 0
        while i < bytes.count {
            guard let (key, afterKey) = readVarint(bytes, i) else { return nil }
            let number = key >> 3
            switch key & 7 {
            case 0:
                guard let (value, end) = readVarint(bytes, afterKey) else { return nil }
                fields.append(WireField(number: number, value: .varint(value)))
                i = end
            case 1, 5:
                let end = afterKey + (key & 7 == 1 ? 8 : 4)
                guard end <= bytes.count else { return nil }
                fields.append(WireField(number: number, value: .fixed(Array(bytes[afterKey..<end]))))
                i = end
            case 2:
                guard let (length, start) = readVarint(bytes, afterKey), length <= UInt64(bytes.count - start) else {
                    return nil
                }
                let body = Array(bytes[start..<(start + Int(length))])
                if let child = schema?.child(number), let parsed = parse(body, child) {
                    fields.append(WireField(number: number, value: .message(parsed)))
                } else {
                    fields.append(WireField(number: number, value: .bytes(body)))
                }
                i = start + Int(length)
            default:
                return nil
            }
        }
        return fields
    }

    static func encode(_ fields: [WireField]) -> [UInt8] { encodeWithSites(fields).bytes }

    static func sites(_ fields: [WireField]) -> [Site] { encodeWithSites(fields).sites }

    private static func encodeWithSites(_ fields: [WireField]) -> (bytes: [UInt8], sites: [Site]) {
        var bytes: [UInt8] = []
        var sites: [Site] = []
        for field in fields {
            let start = bytes.count
            var fieldSites: [(Site.Kind, Range<Int>)] = []
            func append(_ kind: Site.Kind?, _ part: [UInt8]) {
                if let kind { fieldSites.append((kind, bytes.count..<(bytes.count + part.count))) }
                bytes += part
            }
            switch field.value {
            case .varint(let value):
                append(.tag, varint(field.number << 3))
                append(.value, varint(value))
            case .fixed(let value):
                append(.tag, varint(field.number << 3 | (value.count == 8 ? 1 : 5)))
                append(nil, value)
            case .bytes(let value):
                append(.tag, varint(field.number << 3 | 2))
                append(.length, varint(UInt64(value.count)))
                append(nil, value)
            case .message(let children):
                let (body, childSites) = encodeWithSites(children)
                append(.tag, varint(field.number << 3 | 2))
                append(.length, varint(UInt64(body.count)))
                let offset = bytes.count
                bytes += body
                sites += childSites.map {
                    Site(kind: $0.kind, range: $0.range.shifted(by: offset), field: $0.field.shifted(by: offset))
                }
            }
            sites += fieldSites.map { Site(kind: $0.0, range: $0.1, field: start..<bytes.count) }
        }
        return (bytes, sites)
    }

    /// The index path of every field, at every depth.
    static func paths(_ fields: [WireField], prefix: [Int] = []) -> [[Int]] {
        fields.indices.flatMap { i -> [[Int]] in
            guard case .message(let children) = fields[i].value else { return [prefix + [i]] }
            return [prefix + [i]] + paths(children, prefix: prefix + [i])
        }
    }

    /// Calls `change` with the level holding the field at index path `path` and its index there.
    static func edit(_ fields: inout [WireField], at path: ArraySlice<Int>, _ change: (inout [WireField], Int) -> Void) {
        guard let i = path.first else { return }
        guard path.count > 1 else { return change(&fields, i) }
        guard case .message(var children) = fields[i].value else { return }
        edit(&children, at: path.dropFirst(), change)
        fields[i].value = .message(children)
    }

    /// As `edit(_:at:_:)`, with the path given as field numbers, taking each number's first field.
    static func edit(
        _ fields: inout [WireField], firstOf numbers: ArraySlice<UInt64>, _ change: (inout [WireField], Int) -> Void
    ) {
        guard let number = numbers.first, let i = fields.firstIndex(where: { $0.number == number }) else { return }
        let path = [i] + indexPath(fields[i], numbers.dropFirst())
        edit(&fields, at: path[...], change)
    }

    private static func indexPath(_ field: WireField, _ numbers: ArraySlice<UInt64>) -> [Int] {
        guard let number = numbers.first, case .message(let children) = field.value,
            let i = children.firstIndex(where: { $0.number == number })
        else { return [] }
        return [i] + indexPath(children[i], numbers.dropFirst())
    }

    /// Reorders the fields at every level where no field number repeats (a repeated field's order is meaning).
    static func shuffle(_ fields: inout [WireField], _ dice: inout Dice) {
        for i in fields.indices {
            if case .message(var children) = fields[i].value {
                shuffle(&children, &dice)
                fields[i].value = .message(children)
            }
        }
        if Set(fields.map(\.number)).count == fields.count { dice.shuffle(&fields) }
    }

    /// Puts fields no Predict message knows (numbers from 8 up, each wire type) at random places, every level.
    static func insertUnknown(_ fields: inout [WireField], _ dice: inout Dice) {
        for i in fields.indices {
            if case .message(var children) = fields[i].value {
                insertUnknown(&children, &dice)
                fields[i].value = .message(children)
            }
        }
        for _ in 0..<(1 + dice.roll(2)) {
            let number = dice.pick([8, 9, 15, 16, 100, 2047, 536_870_911] as [UInt64])
            let value: WireField.Value = dice.pick([
                .varint(dice.pick(interestingValues)), .fixed(dice.bytes(4)), .fixed(dice.bytes(8)),
                .bytes(dice.bytes(dice.roll(30))),
            ])
            fields.insert(WireField(number: number, value: value), at: dice.roll(fields.count + 1))
        }
    }

    /// Writes each tensor's packed shape as one varint field a dimension, as older encoders do.
    static func unpackShapes(_ fields: inout [WireField]) {
        for i in fields.indices {
            guard case .message(var children) = fields[i].value else { continue }
            unpackShapes(&children)
            fields[i].value = .message(children)
        }
        guard let packed = fields.firstIndex(where: { $0.number == 2 }), case .bytes(let bytes) = fields[packed].value,
            fields.contains(where: { $0.number == 3 }), fields.contains(where: { $0.number == 1 })
        else { return }
        var dims: [UInt64] = []
        var at = 0
        while let (dim, end) = readVarint(bytes, at) {
            dims.append(dim)
            at = end
        }
        fields.replaceSubrange(packed...packed, with: dims.map { WireField(number: 2, value: .varint($0)) })
    }
}

extension Range<Int> {
    fileprivate func shifted(by offset: Int) -> Range<Int> { (lowerBound + offset)..<(upperBound + offset) }
}

extension Array<UInt8> {
    fileprivate var hex: String { map { String(format: "%02x", $0) }.joined() }
}
