import Foundation
import MaaSProtocol

@testable import MaaSServer

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
