import Foundation
import MaaSModelConfig
import MaaSProtocol

@testable import MaaSServer

// The corpus: every mutation of the base registration and of ListVersions, built from the seed alone.

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
