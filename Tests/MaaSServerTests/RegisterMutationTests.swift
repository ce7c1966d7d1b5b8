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
        if status.message.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
            return "\(describe(status)) carries a raw control character (a C client's %s stops at a NUL)"
        }
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
