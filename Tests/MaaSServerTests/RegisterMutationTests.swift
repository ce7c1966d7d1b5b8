import Foundation
import MaaSModelConfig
import MaaSProtocol
import Synchronization
import Testing

@testable import MaaSServer

/// A seeded mutation fuzz of RegisterModel and ListVersions against a real server: a valid registration of the
/// MLP fixture (a header using every field a tensor classifier can, then the file in chunks) is mutated a few
/// hundred ways — the header's bytes flipped, cut, varints and lengths rewritten, fields duplicated, dropped,
/// retyped; names, sizes, hashes, formats, labels, classes, batching and audio edited; the chunk stream with
/// chunks dropped, repeated, swapped, cut, replaced, frames after end_stream, end_stream never sent — and
/// ListVersions requests mutated too, on four connections at once with valid calls among them.
/// Every call must be answered OK or with a client-error status that says why (INTERNAL, UNKNOWN or DATA_LOSS
/// for a client's bytes is a server bug); afterwards the disk and ListVersions hold exactly the versions whose
/// registrations were answered OK, numbered 1…n per name, and each predicts. The corpus depends on `seed` only.
@Suite("RegisterModel and ListVersions under seeded mutation", .timeLimit(.minutes(1)))
struct RegisterMutationTests {
    static let seed: UInt64 = 0x7265_672D_6D75_7461
    static let connections = 4
    /// Calls whose frames are interleaved on one connection.
    static let burst = 4
    /// The server's upload limit: small, so an oversized upload is cheap to send.
    static let maxModelSize = 4096
    static let patience: Duration = .seconds(20)
    /// A valid name used only by a registration that must be refused.
    static let refusedOnly = "refused-only"

    static func configure(_ configuration: inout ServerConfiguration) {
        configuration.maxModelSizeBytes = UInt64(maxModelSize)
        configuration.maxCallsPerConnection = burst
        configuration.shutdownGracePeriod = .seconds(2)
    }

    @Test("the corpus is the same for the same seed, and the base header re-encodes byte for byte from its parsed fields")
    func corpusIsDeterministic() throws {
        let base = try RegisterBase()
        #expect(WireTree.encode(base.fields) == base.headerPayload)
        let first = Self.corpus(base, seed: Self.seed)
        let second = Self.corpus(base, seed: Self.seed)
        #expect(first.map(\.label) == second.map(\.label))
        #expect(first.map { $0.frames.map(\.payload) } == second.map { $0.frames.map(\.payload) })
        let mutations = first.filter { !$0.mustSucceed }.count
        #expect((150...300).contains(mutations), "\(mutations) mutations")
    }

    @Test("every mutated RegisterModel and ListVersions is answered OK or with a status that says why; refused uploads leave no version, accepted ones are listed 1…n and predict")
    func mutations() async throws {
        let base = try RegisterBase()
        let calls = Self.corpus(base, seed: Self.seed)
        try await TestServer.with(Self.configure) { server, port in
            // Before the fuzz, so every valid ListVersions among the mutations finds the base name.
            var all = try await Self.exchange(port: port, [Call.valid(base, "first valid registration")], name: "opening")
            try #require(all.accepted.count == 1, "\(all.problems)")
            try await withThrowingTaskGroup(of: Exchanged.self) { group in
                for connection in 0..<Self.connections {
                    let share = calls.indices.filter { $0 % Self.connections == connection }.map { calls[$0] }
                    group.addTask { try await Self.exchange(port: port, share, name: "connection \(connection)") }
                }
                for try await exchanged in group { all.merge(exchanged) }
            }
            let problems = all.problems + (try await Self.checkRegistry(server, port: port, accepted: all.accepted, base: base))
            if !problems.isEmpty {
                Issue.record("\(problems.count) problems:\n\(problems.prefix(12).joined(separator: "\n"))")
            }
            // The valid registration still works, takes the next number and predicts.
            let last = try await Self.exchange(port: port, [Call.valid(base, "last valid registration")], name: "closing")
            #expect(last.problems.isEmpty, "\(last.problems)")
            let count = all.accepted.filter { $0.version.name == base.header.name }.count
            #expect(last.accepted.map(\.version.version) == [Int64(count + 1)])
            try await FrameClient.connect(port: port) { client in
                let request = MLPFixture.predictRequest(name: base.header.name, run: base.run)
                let answer = try #require(try await client.unary(1, .predict, request))
                #expect(Self.predictProblem(answer, base: base, sameModel: true) == nil)
            }
        }
    }

    // MARK: the calls

    /// One RegisterModel or ListVersions call as the client writes it.
    struct Call: Sendable {
        struct Frame: Sendable {
            /// The call's first frame, which names the method.
            var opens = false
            var payload: [UInt8]
            var endStream = false
        }

        enum Ending: Sendable, Equatable {
            /// The frames end the call (or it is refused before they do): one answer comes.
            case answered
            /// No end_stream; the client then shuts its sending side and must get a refusal.
            case inputClosed
            /// No end_stream; the client closes the connection without reading, `cut` bytes short of its frames.
            case dropped(cut: Int)
        }

        var label: String
        let method: Method
        var frames: [Frame]
        var ending = Ending.answered
        /// A valid call, or a change that must not matter (frames after end_stream, empty chunks).
        var mustSucceed = false
        /// The model bytes the chunk frames carry, where the test knows them: an OK answer's size_bytes.
        var uploaded: [UInt8]?

        static func valid(_ base: RegisterBase, _ label: String) -> Call {
            Call(label: label, method: .registerModel, frames: base.frames(header: base.headerPayload), mustSucceed: true,
                 uploaded: base.model)
        }

        func framed(_ index: Int, callID: UInt64) -> [UInt8] {
            let frame = frames[index]
            return Framing.frame(Envelope(
                callID: callID, method: frame.opens ? method.rawValue : "", payload: frame.payload, endStream: frame.endStream))
        }
    }

    struct Accepted: Sendable {
        let label: String
        let version: ModelVersion
        /// The upload was the fixture itself, so the version must answer as the fixture does.
        let sameModel: Bool
    }

    struct Exchanged: Sendable {
        var problems: [String] = []
        var accepted: [Accepted] = []

        mutating func merge(_ other: Exchanged) {
            problems += other.problems
            accepted += other.accepted
        }
    }

    // MARK: sending

    /// Sends `calls` on one connection in interleaved bursts; a call that ends without end_stream gets a
    /// connection of its own. A watchdog names the calls in flight if the server stops answering.
    private static func exchange(port: Int, _ calls: [Call], name: String) async throws -> Exchanged {
        let inFlight = InFlight()
        return try await withThrowingTaskGroup(of: Exchanged?.self) { group in
            group.addTask {
                try await FrameClient.connect(port: port) { client in
                    var exchanged = Exchanged()
                    var lastID: UInt64 = 0
                    var burst: [Call] = []
                    for call in calls + [nil] {
                        if let call, call.ending == .answered {
                            burst.append(call)
                            if burst.count < Self.burst { continue }
                        }
                        inFlight.labels.withLock { $0 = burst.map(\.label) }
                        exchanged.merge(try await Self.exchange(burst, on: &client, lastID: &lastID, name: name))
                        burst = []
                        if let call, call.ending != .answered {
                            inFlight.labels.withLock { $0 = [call.label] }
                            exchanged.merge(try await Self.closing(call, port: port, name: name))
                        }
                    }
                    return exchanged
                }
            }
            group.addTask {
                try await Task.sleep(for: Self.patience)
                return nil
            }
            defer { group.cancelAll() }
            guard case .some(.some(let result)) = try await group.next() else {
                throw Hang(connection: name, inFlight: inFlight.labels.withLock { $0 })
            }
            return result
        }
    }

    /// Writes the frames of `calls` round-robin, so their uploads are in flight together, and checks each answer.
    private static func exchange(
        _ calls: [Call], on client: inout FrameClient, lastID: inout UInt64, name: String
    ) async throws -> Exchanged {
        var exchanged = Exchanged()
        var pending: [UInt64: Call] = [:]
        var framed: [[[UInt8]]] = []
        for call in calls {
            lastID += 1
            pending[lastID] = call
            framed.append(call.frames.indices.map { call.framed($0, callID: lastID) })
        }
        var bytes: [UInt8] = []
        for index in 0..<(framed.map(\.count).max() ?? 0) {
            for frames in framed where index < frames.count { bytes += frames[index] }
        }
        if !bytes.isEmpty { try await client.send(bytes: bytes) }
        while !pending.isEmpty {
            guard let answer = try await client.next() else {
                exchanged.problems.append("\(name): closed before answering \(pending.values.map(\.label))")
                return exchanged
            }
            guard let call = pending.removeValue(forKey: answer.callID) else {
                let status = answer.status.map(describe) ?? "OK"
                exchanged.problems.append("\(name): an answer (\(status)) for call \(answer.callID), which was not in flight")
                continue
            }
            exchanged.merge(check(answer, to: call, name: name))
        }
        return exchanged
    }

    /// A call that never sends end_stream, on a connection of its own that it then half-closes or drops.
    private static func closing(_ call: Call, port: Int, name: String) async throws -> Exchanged {
        try await FrameClient.connect(port: port) { client in
            var bytes = call.frames.indices.flatMap { call.framed($0, callID: 1) }
            if case .dropped(let cut) = call.ending { bytes.removeLast(min(cut, bytes.count)) }
            try await client.send(bytes: bytes)
            guard call.ending == .inputClosed else { return Exchanged() }
            client.finishSending()
            guard let answer = try await client.next() else {
                return Exchanged(problems: ["\(name): no answer after the client shut its side, to \(call.label)"])
            }
            return check(answer, to: call, name: name)
        }
    }

    // MARK: checking

    /// Codes that mean the server lost a call rather than refused it: no deadline is sent, the server is not
    /// stopping, and a client's bytes are never the server's internal fault.
    static let serverFaults: [StatusCode] = [.internal, .unknown, .dataLoss, .deadlineExceeded, .unavailable, .cancelled]

    static func describe(_ status: Status) -> String { "\(status.code) '\(status.message)'" }

    /// What is wrong with a refusal's status, or nil.
    static func refusalProblem(_ status: Status, cancelledAllowed: Bool = false) -> String? {
        if serverFaults.contains(status.code), !(cancelledAllowed && status.code == .cancelled) {
            return "\(describe(status)) reads as the server's fault"
        }
        let text = status.message.lowercased()
        if text.isEmpty { return "\(status.code) with no message" }
        if text.contains("internal error") || text.last?.isWhitespace == true
            || [":", ",", "(", " are", " is", " the", " of"].contains(where: { text.hasSuffix($0) }) {
            return "\(describe(status)) reads as unfinished or as a server fault"
        }
        return nil
    }

    static func check(_ answer: Envelope, to call: Call, name: String) -> Exchanged {
        var exchanged = Exchanged()
        let status = answer.status ?? Status(code: .ok)
        var problem: String? = nil
        if status.code != .ok {
            problem = call.mustSucceed
                ? "\(describe(status)) to a call that must succeed"
                : refusalProblem(status, cancelledAllowed: call.ending == .inputClosed)
        } else if call.ending == .inputClosed {
            problem = "OK to an upload that never sent end_stream"
        } else if call.method == .listVersions {
            problem = listProblem(answer)
        } else if let version = (try? answer.response(RegisterModelResponse.self))?.version, version.version >= 1 {
            let sent = call.uploaded.map { UInt64($0.count) } ?? version.sizeBytes
            if version.sizeBytes != sent { problem = "version \(version.version) has size_bytes \(version.sizeBytes), \(sent) were sent" }
            exchanged.accepted.append(Accepted(label: call.label, version: version, sameModel: call.uploaded == RegisterBase.modelBytes))
        } else {
            problem = "an OK answer without a version"
        }
        if let problem { exchanged.problems.append("\(name): \(problem), to \(call.label)") }
        return exchanged
    }

    /// An OK ListVersions lists one name's versions newest first, numbered n…1: a gap means a version was lost.
    static func listProblem(_ answer: Envelope) -> String? {
        guard let versions = try? answer.response(ListVersionsResponse.self).versions else {
            return "an OK ListVersions answer that does not decode"
        }
        let numbers = versions.map(\.version)
        if numbers.isEmpty || numbers != Array((1...Int64(numbers.count)).reversed()) { return "ListVersions numbered \(numbers)" }
        if Set(versions.map(\.name)).count != 1 { return "ListVersions mixed names \(Set(versions.map(\.name)))" }
        return nil
    }

    /// A version made from the fixture's bytes must answer as the fixture does; another must at least answer.
    static func predictProblem(_ answer: Envelope, base: RegisterBase, sameModel: Bool) -> String? {
        let status = answer.status ?? Status(code: .ok)
        guard status.code == .ok else {
            return sameModel ? "Predict answered \(describe(status))" : refusalProblem(status).map { "Predict: \($0)" }
        }
        guard let response = try? answer.response(PredictResponse.self) else { return "Predict's OK answer does not decode" }
        let values = response.outputs.first { $0.name == "y" }?.tensor?.floatValues() ?? []
        if sameModel, values.count != base.run.y.values.count || maxDifference(values, base.run.y.values) > 1e-5 {
            return "Predict answered \(values), expected \(base.run.y.values)"
        }
        return nil
    }

    /// The registry after the fuzz: no staging area left; on disk and in ListVersions exactly the accepted
    /// versions, numbered 1…n per name; a name only refused is unknown; each accepted version predicts.
    static func checkRegistry(_ server: ModelServer, port: Int, accepted: [Accepted], base: RegisterBase) async throws -> [String] {
        var problems: [String] = []
        let files = FileManager.default
        let data = server.configuration.dataDirectory
        // Uploads cut off by a closed connection are aborted on the blocking pool, after their calls ended.
        var left: [String] = []
        for _ in 0..<500 {
            left = (try? files.contentsOfDirectory(atPath: data + "/staging")) ?? []
            if left.isEmpty { break }
            try await Task.sleep(for: .milliseconds(10))
        }
        if !left.isEmpty { problems.append("\(left.count) staging areas left after every upload ended") }
        var onDisk: [String: [Int64]] = [:]
        for name in (try? files.contentsOfDirectory(atPath: data + "/models")) ?? [] {
            let entries = (try? files.contentsOfDirectory(atPath: data + "/models/" + name)) ?? []
            onDisk[name] = entries.compactMap { Int64($0) }.sorted()
        }
        let byName = Dictionary(grouping: accepted, by: \.version.name)
        for name in Set(onDisk.keys).union(byName.keys).sorted() {
            let answered = (byName[name] ?? []).map(\.version.version).sorted()
            let disk = onDisk[name] ?? []
            if disk != answered || disk != Array(stride(from: 1, through: Int64(disk.count), by: 1)) {
                problems.append("'\(name)': versions \(disk) on disk, \(answered) answered OK")
            }
        }
        try await FrameClient.connect(port: port) { client in
            var callID: UInt64 = 1
            let unknown = try await client.unary(callID, .listVersions, ListVersionsRequest(name: refusedOnly))
            if unknown?.statusCode != .notFound {
                problems.append("ListVersions '\(refusedOnly)' answered \(unknown.map { describe($0.status ?? Status()) } ?? "nothing")")
            }
            for (name, versions) in byName.sorted(by: { $0.key < $1.key }) {
                callID += 1
                let answer = try await client.unary(callID, .listVersions, ListVersionsRequest(name: name))
                let listed = answer.flatMap { try? $0.response(ListVersionsResponse.self).versions } ?? []
                let expected = versions.map(\.version).sorted { $0.version > $1.version }
                if answer?.statusCode != .ok || listed.map(\.version) != expected.map(\.version)
                    || listed.map(\.sha256) != expected.map(\.sha256) {
                    problems.append("ListVersions '\(name)' lists \(listed.map(\.version)), OK answers made \(expected.map(\.version))")
                }
                for accepted in versions {
                    callID += 1
                    let version = accepted.version.version
                    let request = MLPFixture.predictRequest(name: name, version: version, run: base.run)
                    let answer = try await client.unary(callID, .predict, request)
                    if let problem = answer.map({ predictProblem($0, base: base, sameModel: accepted.sameModel) }) ?? "no answer" {
                        problems.append("'\(name)' version \(version) (\(accepted.label)): \(problem)")
                    }
                }
            }
        }
        return problems
    }

    /// The labels of the calls a connection has in flight, for the watchdog to name.
    final class InFlight: Sendable {
        let labels = Mutex<[String]>([])
    }

    struct Hang: Error, CustomStringConvertible {
        let connection: String
        let inFlight: [String]
        var description: String { "\(connection): no answer within \(RegisterMutationTests.patience) to \(inFlight)" }
    }
}

// MARK: the corpus

/// The valid registration the mutations start from: the MLP fixture under a header using every field a tensor
/// classifier can (labels, size and hash, classes, batching).
struct RegisterBase: Sendable {
    typealias Frame = RegisterMutationTests.Call.Frame
    static let modelBytes: [UInt8] = (try? MLPFixture.modelBytes()) ?? []

    let model: [UInt8]
    let sha256: String
    let run: MLPFixture.Run
    let header: ModelHeader
    let headerPayload: [UInt8]
    /// `headerPayload` parsed: the RegisterModelRequest, its header, and the header's labels, audio, classes and
    /// batching as messages.
    let fields: [WireField]

    init() throws {
        model = try MLPFixture.modelBytes()
        let expected = try MLPFixture.expected()
        sha256 = expected.sha256
        run = expected.runs[0]
        header = ModelHeader(
            name: "fuzzed", format: .onnx, description: "seeded mutation base",
            labels: ["owner": "fuzz", "purpose": "register mutation"], sizeBytes: UInt64(model.count), sha256: sha256,
            classes: ClassLabels(names: ["low", "mid", "high"], topK: 2),
            batching: BatchingConfig(maxBatchSize: 4, maxQueueDelayMicroseconds: 100))
        headerPayload = RegisterModelRequest(.header(header)).serializedBytes()
        var outer = WireTree.parse(headerPayload, nil) ?? []
        if case .bytes(let bytes) = outer.first?.value, var fields = WireTree.parse(bytes, nil) {
            for j in fields.indices where [4, 7, 8, 9].contains(fields[j].number) {
                if case .bytes(let inner) = fields[j].value, let parsed = WireTree.parse(inner, nil) {
                    fields[j].value = .message(parsed)
                }
            }
            outer[0].value = .message(fields)
        }
        fields = outer
    }

    /// The header payload with the header's own fields edited on the wire.
    func editedHeader(_ change: (inout [WireField]) -> Void) -> [UInt8] {
        var edited = fields
        WireTree.edit(&edited, at: [0]) { level, i in
            guard case .message(var header) = level[i].value else { return }
            change(&header)
            level[i].value = .message(header)
        }
        return WireTree.encode(edited)
    }

    /// `pieces` as chunk frames, the last with end_stream when `end`; an empty upload is one empty chunk.
    static func chunkFrames(_ pieces: [[UInt8]], end: Bool = true) -> [Frame] {
        let pieces = pieces.isEmpty ? [[]] : pieces
        return pieces.indices.map { i in
            Frame(payload: RegisterModelRequest(.chunk(pieces[i])).serializedBytes(), endStream: end && i == pieces.count - 1)
        }
    }

    static func pieces(_ bytes: [UInt8], size: Int = 128) -> [[UInt8]] {
        stride(from: 0, to: bytes.count, by: size).map { Array(bytes[$0..<min($0 + size, bytes.count)]) }
    }

    func frames(header payload: [UInt8]) -> [Frame] {
        [Frame(opens: true, payload: payload)] + Self.chunkFrames(Self.pieces(model))
    }
}

extension RegisterMutationTests {
    /// The mutations shuffled, with a valid registration or ListVersions after every fifth.
    static func corpus(_ base: RegisterBase, seed: UInt64) -> [Call] {
        var dice = Dice(seed: seed)
        var mutants = headerEdits(base) + streamEdits(base, &dice) + listEdits(base, &dice)
        for round in 0..<88 {
            let (label, payload) = wireMutation(round, base.fields, &dice)
            mutants.append(Call(label: "header: \(label)", method: .registerModel, frames: base.frames(header: payload),
                                uploaded: base.model))
        }
        dice.shuffle(&mutants)
        let list = ListVersionsRequest(name: base.header.name).serializedBytes()
        var calls: [Call] = []
        for (number, mutant) in mutants.enumerated() {
            calls.append(mutant)
            calls[calls.count - 1].label = "#\(number) \(mutant.label)"
            guard number % 5 == 4 else { continue }
            calls.append(number % 10 == 4
                ? Call.valid(base, "#\(number)+ valid registration")
                : Call(label: "#\(number)+ valid ListVersions", method: .listVersions,
                       frames: [Call.Frame(opens: true, payload: list, endStream: true)], mustSucceed: true))
        }
        return calls
    }

    /// Round `round`'s mutation of a message at the byte or field level; the kinds take turns.
    static func wireMutation(_ round: Int, _ fields: [WireField], _ dice: inout Dice) -> (String, [UInt8]) {
        let sites = WireTree.sites(fields)
        var bytes = WireTree.encode(fields)
        var edited = fields
        let path = dice.pick(WireTree.paths(fields))
        switch round % 10 {
        case 0:
            let flips = 1 + dice.roll(4)
            for _ in 0..<flips { bytes[dice.roll(bytes.count)] ^= UInt8(1 + dice.roll(255)) }
            return ("\(flips) bytes flipped", bytes)
        case 1:
            let end = dice.roll(bytes.count)
            return ("cut at byte \(end)", Array(bytes.prefix(end)))
        case 2:
            let at = dice.roll(bytes.count + 1)
            bytes.insert(contentsOf: dice.bytes(1 + dice.roll(16)), at: at)
            return ("random bytes inserted at \(at)", bytes)
        case 3:
            let site = dice.pick(sites.filter { $0.kind != .length })
            let encoding = WireTree.hostileVarint(&dice)
            bytes.replaceSubrange(site.range, with: encoding)
            return ("varint at \(site.range.lowerBound) (\(site.kind)) became \(encoding.hex)", bytes)
        case 4:
            let site = dice.pick(sites.filter { $0.kind == .length })
            let old = WireTree.readVarint(bytes, site.range.lowerBound)?.value ?? 0
            let new = dice.pick([old &+ 1, old &- 1, old &+ 3, 0, old &* 2 &+ 1, 1 << 31, UInt64.max, old &+ 1 << 20])
            bytes.replaceSubrange(site.range, with: WireTree.varint(new))
            return ("length prefix at \(site.range.lowerBound) \(old) became \(new)", bytes)
        case 5:
            let site = dice.pick(sites.filter { $0.kind == .tag })
            bytes.insert(contentsOf: bytes[site.field], at: site.field.upperBound)
            return ("field at \(site.field) repeated in place, enclosing lengths left", bytes)
        case 6:
            WireTree.edit(&edited, at: path[...]) { level, i in level.insert(level[i], at: i + 1) }
            return ("field \(path) duplicated", WireTree.encode(edited))
        case 7:
            WireTree.edit(&edited, at: path[...]) { level, i in level.remove(at: i) }
            return ("field \(path) dropped", WireTree.encode(edited))
        case 8:
            let value = dice.pick(WireTree.interestingValues)
            WireTree.edit(&edited, at: path[...]) { level, i in level[i].value = .varint(value) }
            return ("field \(path) became varint \(value)", WireTree.encode(edited))
        default:
            let value: WireField.Value = dice.roll(2) == 0 ? .bytes(dice.bytes(dice.roll(40))) : .fixed(dice.bytes(4 + 4 * dice.roll(2)))
            WireTree.edit(&edited, at: path[...]) { level, i in level[i].value = value }
            return ("field \(path) became \(value)", WireTree.encode(edited))
        }
    }

    /// Edits at the message level: names, description, labels, format, size, hash, classes, batching, audio.
    static func headerEdits(_ base: RegisterBase) -> [Call] {
        func call(_ label: String, _ payload: [UInt8]) -> Call {
            Call(label: "header: \(label)", method: .registerModel, frames: base.frames(header: payload), uploaded: base.model)
        }
        func edit(_ label: String, _ change: (inout ModelHeader) -> Void) -> Call {
            var header = base.header
            change(&header)
            return call(label, RegisterModelRequest(.header(header)).serializedBytes())
        }
        func wire(_ label: String, _ change: (inout [WireField]) -> Void) -> Call { call(label, base.editedHeader(change)) }
        // The field's value replaced, written last (the order of distinct fields carries no meaning).
        func set(_ number: UInt64, _ value: WireField.Value) -> (inout [WireField]) -> Void {
            { fields in
                fields.removeAll { $0.number == number }
                fields.append(WireField(number: number, value: value))
            }
        }
        let sha = base.sha256
        var changed = Array(sha)
        changed[10] = changed[10] == "0" ? "1" : "0"
        let names = [
            "", String(repeating: "a", count: 129), String(repeating: "b", count: 128), ".hidden", "a/b", "../escape",
            "white space", "naïve", "nul\u{0}byte", "emoji🙂", "x-1.y_Z", "-", "tab\tname",
        ]
        let sizes: [(String, UInt64)] = [
            ("0", 0), ("one short", base.header.sizeBytes - 1), ("one over", base.header.sizeBytes + 1), ("1", 1),
            ("over the server's limit", UInt64(maxModelSize) + 1), ("UInt64.max", .max),
        ]
        let hashes = [
            ("empty", ""), ("upper-case", sha.uppercased()), ("one digit changed", String(changed)),
            ("63 digits", String(sha.dropLast())), ("65 digits", sha + "0"), ("not hex", String(repeating: "zz", count: 32)),
            ("of 100032 digits", String(repeating: sha, count: 1563)),
        ]
        let classes: [(String, (inout ClassLabels) -> Void)] = [
            ("2 names", { $0.names = ["a", "b"] }), ("4 names", { $0.names = ["a", "b", "c", "d"] }),
            ("empty names", { $0.names = ["", "", ""] }), ("output 'nope'", { $0.output = "nope" }),
            ("output 'y'", { $0.output = "y" }), ("top_k -1", { $0.topK = -1 }), ("top_k 1000", { $0.topK = 1000 }),
            ("ctc_blank 5", { $0.ctcBlank = 5 }), ("ctc_blank -1", { $0.ctcBlank = -1 }),
        ]
        let batching: [(String, (inout BatchingConfig) -> Void)] = [
            ("max_batch_size -1", { $0.maxBatchSize = -1 }), ("max_batch_size 4097", { $0.maxBatchSize = 4097 }),
            ("max_batch_size 1", { $0.maxBatchSize = 1 }), ("delay -1 µs", { $0.maxQueueDelayMicroseconds = -1 }),
            ("delay 2 s", { $0.maxQueueDelayMicroseconds = 2_000_000 }), ("pads sequences", { $0.padSequences = true }),
        ]
        let labels: [(String, [String: String])] = [
            ("an empty key", ["": "empty"]), ("'maas.audio' not JSON", ["maas.audio": "not json"]),
            ("'maas.classes' cut JSON", ["maas.classes": "{\"names\": ["]),
            ("500 entries", Dictionary(uniqueKeysWithValues: (0..<500).map { ("k\($0)", "v\($0)") })),
        ]
        let label = WireField.Value.message([
            WireField(number: 1, value: .bytes([0xC0, 0xAF])), WireField(number: 2, value: .bytes([0x76])),
        ])
        return [
            wire("name is not UTF-8", set(1, .bytes([0x66, 0xC3, 0x28]))),
            wire("name is a varint", set(1, .varint(7))),
            wire("description is not UTF-8", set(3, .bytes([0xE2, 0x82]))),
            wire("a label's key is not UTF-8") { $0.append(WireField(number: 4, value: label)) },
            wire("a label entry is garbage") { $0.append(WireField(number: 4, value: .bytes([0x08, 0x96, 0x01, 0x12]))) },
            wire("format is 3", set(2, .varint(3))),
            wire("format is -1", set(2, .varint(.max))),
            wire("classes' clip decision is 7") { fields in
                WireTree.edit(&fields, firstOf: [8]) { level, i in
                    if case .message(let classes) = level[i].value {
                        level[i].value = .message(classes + [WireField(number: 3, value: .varint(7))])
                    }
                }
            },
            wire("batching is a varint", set(9, .varint(1))),
            wire("classes is random bytes", set(8, .bytes([0xFF, 0xFF, 0xFF]))),
            wire("sha256 is not UTF-8", set(6, .bytes([0xFF] + Array(sha.utf8.dropFirst())))),
            edit("format says maas plan") { $0.format = .maasPlan },
            edit("format unspecified") { $0.format = .unspecified },
            edit("description of 20000 characters") { $0.description = String(repeating: "d", count: 20000) },
            edit("description with NUL and newlines") { $0.description = "line\n\u{0}\r\nend" },
            edit("no header classes, label 'maas.classes' is cut JSON") {
                $0.classes = nil
                $0.labels["maas.classes"] = "[1, 2"
            },
            edit("name '\(refusedOnly)', sha256 of other bytes") {
                $0.name = refusedOnly
                $0.sha256 = String(repeating: "a", count: 64)
            },
            edit("audio front-end all zero") { $0.audio = AudioFrontEnd() },
            edit("audio front-end librosa's defaults") { $0.audio = AudioConfig(features: .librosaDefault, layout: .timeMajor).frontEnd },
            edit("no classes, batching or labels") {
                $0.classes = nil
                $0.batching = nil
                $0.labels = [:]
            },
        ]
            + names.map { name in edit("name '\(name.prefix(12))' (\(name.unicodeScalars.count) scalars)") { $0.name = name } }
            + sizes.map { size in edit("size_bytes \(size.0)") { $0.sizeBytes = size.1 } }
            + hashes.map { hash in edit("sha256 \(hash.0)") { $0.sha256 = hash.1 } }
            + classes.map { change in edit("classes: \(change.0)") { change.1(&$0.classes!) } }
            + batching.map { change in edit("batching: \(change.0)") { change.1(&$0.batching!) } }
            + labels.map { extra in edit("labels: \(extra.0)") { $0.labels.merge(extra.1) { $1 } } }
    }

    /// Edits of the chunk stream, under the base header (size and hash checked) and under one without them, so
    /// that the bytes reach the model parser.
    static func streamEdits(_ base: RegisterBase, _ dice: inout Dice) -> [Call] {
        var unchecked = base.header
        unchecked.sizeBytes = 0
        unchecked.sha256 = ""
        var calls: [Call] = []
        for (kind, header) in [("checked", base.header), ("unchecked", unchecked)] {
            let opener = Call.Frame(opens: true, payload: RegisterModelRequest(.header(header)).serializedBytes())
            let headerAgain = Call.Frame(payload: opener.payload)
            func call(
                _ label: String, _ frames: [Call.Frame], ending: Call.Ending = .answered, must: Bool = false, uploaded: [UInt8]? = nil
            ) -> Call {
                Call(label: "stream (\(kind)): \(label)", method: .registerModel, frames: [opener] + frames, ending: ending,
                     mustSucceed: must, uploaded: uploaded)
            }
            func upload(_ label: String, _ pieces: [[UInt8]], must: Bool = false) -> Call {
                call(label, RegisterBase.chunkFrames(pieces), must: must, uploaded: pieces.flatMap { $0 })
            }
            // The chunk frames with frame `k`'s payload replaced.
            func replacing(_ k: Int, with payload: [UInt8]) -> [Call.Frame] {
                var frames = RegisterBase.chunkFrames(RegisterBase.pieces(base.model))
                frames[k].payload = payload
                return frames
            }
            let pieces = RegisterBase.pieces(base.model)
            let k = 1 + dice.roll(pieces.count - 2)
            var (dropped, repeated, swapped) = (pieces, pieces, pieces)
            dropped.remove(at: k)
            repeated.insert(pieces[k], at: k)
            swapped.swapAt(k, k + 1)
            let cut = 1 + dice.roll(base.model.count - 1)
            var flipped = base.model
            let flips = 1 + dice.roll(3)
            for _ in 0..<flips { flipped[dice.roll(flipped.count)] ^= UInt8(1 + dice.roll(255)) }
            let unfinished = RegisterBase.chunkFrames(pieces, end: false)
            calls += [
                upload("chunk \(k) missing", dropped),
                upload("chunk \(k) repeated", repeated),
                upload("chunks \(k) and \(k + 1) swapped", swapped),
                upload("model cut at byte \(cut)", RegisterBase.pieces(Array(base.model.prefix(cut)))),
                upload("last byte missing", RegisterBase.pieces(Array(base.model.dropLast()))),
                upload("random bytes instead of the model", RegisterBase.pieces(dice.bytes(base.model.count))),
                upload("random bytes past the server's limit", RegisterBase.pieces(dice.bytes(maxModelSize + 500), size: 1024)),
                upload("\(flips) model bytes flipped", RegisterBase.pieces(flipped)),
                upload("garbage after the model", RegisterBase.pieces(base.model + dice.bytes(1 + dice.roll(30)))),
                upload("an empty chunk only", []),
                upload("empty chunks between the chunks", pieces.flatMap { [$0, []] }, must: true),
                upload("chunks of 7 bytes", RegisterBase.pieces(base.model, size: 7), must: true),
                Call(label: "stream (\(kind)): the header carries end_stream", method: .registerModel,
                     frames: [Call.Frame(opens: true, payload: opener.payload, endStream: true)]),
                call("a chunk frame of random bytes", replacing(k, with: dice.bytes(1 + dice.roll(20)))),
                call("a chunk sent as a varint", replacing(k, with: [0x10, 0x05])),
                call("a chunk frame that also carries a header",
                     replacing(k, with: RegisterModelRequest(.chunk(pieces[k])).serializedBytes() + opener.payload)),
                call("a second header after chunk 0", [unfinished[0], headerAgain] + RegisterBase.chunkFrames(Array(pieces.dropFirst()))),
                call("frames after end_stream",
                     RegisterBase.chunkFrames(pieces) + RegisterBase.chunkFrames([dice.bytes(64)]) + [headerAgain], must: true,
                     uploaded: base.model),
                call("end_stream never sent, input shut", unfinished, ending: .inputClosed),
                call("header only, input shut", [], ending: .inputClosed),
                call("end_stream never sent, connection closed", unfinished, ending: .dropped(cut: 0)),
                call("connection closed inside a chunk frame", RegisterBase.chunkFrames(pieces), ending: .dropped(cut: 1 + dice.roll(40))),
            ]
            var chunkFirst = call("a chunk before the header", [headerAgain] + RegisterBase.chunkFrames(Array(pieces.dropFirst())))
            chunkFirst.frames[0].payload = RegisterModelRequest(.chunk(pieces[0])).serializedBytes()
            calls.append(chunkFirst)
        }
        return calls
    }

    /// ListVersions with names the registry must refuse or does not know, and its request mutated on the wire.
    static func listEdits(_ base: RegisterBase, _ dice: inout Dice) -> [Call] {
        func call(_ label: String, _ payload: [UInt8], must: Bool = false) -> Call {
            Call(label: "list: \(label)", method: .listVersions, frames: [Call.Frame(opens: true, payload: payload, endStream: true)],
                 mustSucceed: must)
        }
        let valid = ListVersionsRequest(name: base.header.name).serializedBytes()
        let names = ["never-registered", "", String(repeating: "n", count: 129), ".x", "a/b", "../models", "naïve", "nul\u{0}"]
        var calls = names.map { call("name '\($0.prefix(12))'", ListVersionsRequest(name: $0).serializedBytes()) } + [
            call("name is not UTF-8", [0x0A, 0x02, 0xC3, 0x28]),
            call("name is a varint", [0x08, 0x05]),
            call("name is fixed64", [0x09] + dice.bytes(8)),
            call("empty payload", []),
            call("unknown fields around the name", [0x18, 0x01] + valid + [0x22, 0x00], must: true),
            call("name given twice, the valid one last", ListVersionsRequest(name: "other").serializedBytes() + valid, must: true),
        ]
        for n in 0..<8 { calls.append(call("random bytes \(n)", dice.bytes(dice.roll(40)))) }
        let fields = WireTree.parse(valid, nil) ?? []
        for round in 0..<22 {
            let (label, payload) = wireMutation(round, fields, &dice)
            calls.append(call(label, payload))
        }
        return calls
    }
}
