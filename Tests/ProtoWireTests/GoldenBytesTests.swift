import ProtoWire
import Testing

/// encode → compare bytes exactly → decode → compare value, against bytes made by Google's protobuf
/// (Fixtures/make_golden.py).
@Suite("Golden bytes from Google's protobuf")
struct GoldenBytesTests {
    static let roundTrips = GoldenCases.all.filter { $0.kind == .roundTrip }

    @Test("the Swift case table and the generated manifest list the same cases")
    func tableMatchesManifest() throws {
        let manifest = try Fixtures.manifest()
        #expect(manifest.cases.filter { $0.check == "value" }.map(\.name) == GoldenCases.all.map(\.name))
        for entry in manifest.cases {
            #expect(try Fixtures.golden(entry.name).count == entry.size, "\(entry.name)")
        }
    }

    @Test("encodes byte-identically to Google", arguments: roundTrips)
    func encodes(_ golden: GoldenCase) throws {
        let expected = try Fixtures.golden(golden.name)
        #expect(hex(golden.value.serializedBytes()) == hex(expected))
    }

    @Test("decodes Google's bytes to the same value", arguments: GoldenCases.all)
    func decodes(_ golden: GoldenCase) throws {
        let decoded = try AllTypes(serializedBytes: try Fixtures.golden(golden.name))
        #expect(decoded == golden.value)
    }

    @Test("re-encoding what it decoded reproduces Google's bytes", arguments: roundTrips)
    func reencodes(_ golden: GoldenCase) throws {
        let bytes = try Fixtures.golden(golden.name)
        #expect(hex(try AllTypes(serializedBytes: bytes).serializedBytes()) == hex(bytes))
    }

    @Test(
        "decoding and re-encoding Google's seeded random messages gives their bytes back",
        arguments: try Fixtures.manifest().cases.filter { $0.check == "reencode" }.map(\.name))
    func randomMessages(_ name: String) throws {
        let bytes = try Fixtures.golden(name)
        let message = try AllTypes(serializedBytes: bytes)
        #expect(hex(message.serializedBytes()) == hex(bytes))
    }

    @Test("negative int32 and enum values take 10 bytes, as Google writes them")
    func negativeInt32IsTenBytes() throws {
        var message = AllTypes()
        message.int32 = -1
        #expect(message.serializedBytes() == [0x08] + [UInt8](repeating: 0xFF, count: 9) + [0x01])
        message = AllTypes()
        message.color = -1
        #expect(message.serializedBytes().count == 11)
    }
}
