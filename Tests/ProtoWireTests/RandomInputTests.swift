import ProtoWire
import Testing
import MaaSTestSupport

/// Hostile bytes never crash the decoder: every input either decodes or throws a located error, and
/// whatever decodes survives a round trip. Fixed seeds, bounded iterations: the same inputs on every run.
@Suite("Random input")
struct RandomInputTests {
    /// Decodes `bytes`; on success checks that encode → decode reproduces the value and the bytes.
    static func check(_ bytes: [UInt8], limits: ProtoLimits = .default) {
        do {
            let message = try AllTypes(serializedBytes: bytes, limits: limits)
            let encoded = message.serializedBytes()
            let again = try AllTypes(serializedBytes: encoded)
            #expect(again == message, "round trip changed the value of \(hex(bytes))")
            #expect(again.serializedBytes() == encoded, "encoding is not stable for \(hex(bytes))")
        } catch {
            #expect((0...bytes.count).contains(error.offset), "offset \(error.offset) outside \(hex(bytes))")
            #expect(error.path.first == "AllTypes")
        }
    }

    @Test("random byte strings never crash the decoder")
    func randomBytes() {
        var random = SplitMix64(seed: 0x0DEC_0DE5)
        for _ in 0..<20_000 {
            let count = Int.random(in: 0...48, using: &random)
            let bytes = (0..<count).map { _ in UInt8.random(in: 0...255, using: &random) }
            Self.check(bytes)
        }
    }

    @Test("random byte strings that start with plausible keys never crash the decoder")
    func plausibleKeys() {
        // Bias towards keys of fields AllTypes knows, so the typed readers (not just skip) see garbage.
        let keys: [[UInt8]] = [
            [0x08], [0x4D], [0x51], [0x7A], [0x82, 0x05], [0x8A, 0x05], [0xB2, 0x04], [0xFA, 0x01], [0xBA, 0x02],
            [0xE2, 0x03], [0x82, 0x07], [0x8A, 0x07], [0xF8, 0xFF, 0xFF, 0xFF, 0x0F],
        ]
        var random = SplitMix64(seed: 0xBADC_0FFE)
        for _ in 0..<20_000 {
            var bytes: [UInt8] = []
            for _ in 0..<Int.random(in: 1...6, using: &random) {
                bytes += keys.randomElement(using: &random)!
                bytes += (0..<Int.random(in: 0...6, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random) }
            }
            Self.check(bytes, limits: ProtoLimits(maxDepth: 8, maxLength: 64))
        }
    }

    @Test("mutations of golden messages never crash the decoder", arguments: GoldenCases.all)
    func mutatedGoldens(_ golden: GoldenCase) throws {
        let original = try Fixtures.golden(golden.name)
        var random = SplitMix64(seed: UInt64(truncatingIfNeeded: golden.name.hashValueStable))
        for _ in 0..<300 {
            var bytes = original
            for _ in 0..<Int.random(in: 1...4, using: &random) {
                Self.mutate(&bytes, using: &random)
            }
            Self.check(bytes)
        }
    }

    static func mutate(_ bytes: inout [UInt8], using random: inout SplitMix64) {
        guard !bytes.isEmpty else {
            bytes.append(UInt8.random(in: 0...255, using: &random))
            return
        }
        let at = Int.random(in: 0..<bytes.count, using: &random)
        switch Int.random(in: 0..<6, using: &random) {
        case 0: bytes[at] ^= 1 << UInt8.random(in: 0..<8, using: &random)
        case 1: bytes[at] = UInt8.random(in: 0...255, using: &random)
        case 2: bytes.removeSubrange(at...)
        case 3: bytes.insert(UInt8.random(in: 0...255, using: &random), at: at)
        case 4: bytes.remove(at: at)
        default:
            // Repeat a slice: duplicated fields, and lengths that now point into the wrong bytes.
            let end = min(bytes.count, at + Int.random(in: 1...16, using: &random))
            bytes.insert(contentsOf: bytes[at..<end], at: at)
        }
    }
}

extension String {
    /// FNV-1a over the UTF-8 bytes: unlike `hashValue`, the same on every run.
    var hashValueStable: UInt64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01B3 }
        return hash
    }
}
