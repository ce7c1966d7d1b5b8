import MaaSProtocol
import ProtoWire
import Testing
import MaaSTestSupport

/// Hostile bytes never crash a maas.v1 decoder: every input decodes or throws an error located inside it,
/// and whatever decodes survives a round trip. Covers every message type the golden table has, so a new
/// message is fuzzed as soon as it gets a golden case. Fixed seeds, bounded iterations.
@Suite("maas.v1 hostile bytes")
struct MessageRobustnessTests {
    /// Each message type once, in the golden table's order.
    static let kinds: [MessageKind] = {
        var seen = Set<String>()
        return ProtocolCases.all.map(\.kind).filter { seen.insert($0.name).inserted }
    }()

    @Test("mutations of every golden message never crash its decoder", arguments: ProtocolCases.all)
    func mutatedGoldens(_ golden: ProtocolCase) throws {
        let original = try Fixtures.golden(golden.name)
        var random = SplitMix64(name: golden.name)
        for _ in 0..<300 {
            var bytes = original
            for _ in 0..<Int.random(in: 1...4, using: &random) { bytes.mutate(using: &random) }
            golden.kind.checkHostile(bytes, .default)
        }
    }

    @Test("random values behind the keys a message knows never crash its decoder", arguments: kinds)
    func plausibleKeys(_ kind: MessageKind) {
        // Every known field number under every wire type, so the typed readers (not just skip) see garbage,
        // and a small length limit so declared lengths are checked against it too.
        let keys: [[UInt8]] = kind.fieldNumbers.flatMap { number in
            [0, 1, 2, 5].map { wireType in Self.varint(UInt64(number) << 3 | wireType) }
        }
        var random = SplitMix64(name: kind.name)
        for _ in 0..<2_000 {
            var bytes: [UInt8] = []
            for _ in 0..<Int.random(in: 1...6, using: &random) {
                bytes += keys.randomElement(using: &random)!
                bytes += (0..<Int.random(in: 0...8, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random) }
            }
            kind.checkHostile(bytes, ProtoLimits(maxDepth: 8, maxLength: 64))
        }
    }

    @Test("random byte strings never crash any decoder", arguments: kinds)
    func randomBytes(_ kind: MessageKind) {
        var random = SplitMix64(name: "random " + kind.name)
        for _ in 0..<1_000 {
            let bytes = (0..<Int.random(in: 0...40, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random) }
            kind.checkHostile(bytes, .default)
        }
    }

    @Test("every message type of the golden table is fuzzed, the audio ones included")
    func coversAudioTypes() {
        let names = Set(Self.kinds.map(\.name))
        for type in ["AudioFrontEnd", "ClassLabels", "RawAudio", "ClassScore", "BatchingConfig", "PredictRequest", "PredictResponse"] {
            #expect(names.contains("maas.v1.\(type)"))
        }
    }

    static func varint(_ value: UInt64) -> [UInt8] {
        var writer = ProtoWriter()
        writer.writeRawVarint(value)
        return writer.bytes
    }
}
