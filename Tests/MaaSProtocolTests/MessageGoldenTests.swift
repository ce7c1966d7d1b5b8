import MaaSProtocol
import Testing

/// Every maas.v1 message against bytes made by Google's protobuf from proto/maas/v1/maas.proto
/// (Fixtures/make_golden.py): encode → compare bytes exactly → decode → compare value.
@Suite("maas.v1 golden bytes")
struct MessageGoldenTests {
    @Test("the Swift case table and the generated manifest list the same cases and message types")
    func tableMatchesManifest() throws {
        let manifest = try Fixtures.manifest()
        #expect(manifest.cases.map(\.name) == ProtocolCases.all.map(\.name))
        #expect(manifest.cases.map(\.message) == ProtocolCases.all.map(\.messageName))
        for entry in manifest.cases {
            #expect(try Fixtures.golden(entry.name).count == entry.size, "\(entry.name)")
        }
    }

    @Test("encodes byte-identically to Google", arguments: ProtocolCases.all)
    func encodes(_ golden: ProtocolCase) throws {
        #expect(hex(golden.encode()) == hex(try Fixtures.golden(golden.name)))
    }

    @Test("decodes Google's bytes to the same value", arguments: ProtocolCases.all)
    func decodes(_ golden: ProtocolCase) throws {
        #expect(try golden.decodesToValue(try Fixtures.golden(golden.name)))
    }

    /// Concatenated encodings merge as in Google's parsers: a oneof's last member wins even when empty,
    /// embedded messages merge field by field, repeated fields append.
    @Test("merges concatenated messages the way Google does", arguments: try Fixtures.manifest().merges)
    func merges(_ merge: Fixtures.Manifest.Merge) throws {
        let parts = try merge.parts.map { try Fixtures.golden($0) }
        let decoder = try #require(ProtocolCases.all.first { $0.name == merge.parts[0] })
        let expected = try Fixtures.golden("merged_\(merge.name)")
        #expect(hex(try decoder.reencode(parts.joined().map { $0 })) == hex(expected))
    }

    @Test("re-encoding what it decoded reproduces Google's bytes", arguments: ProtocolCases.all)
    func reencodes(_ golden: ProtocolCase) throws {
        let bytes = try Fixtures.golden(golden.name)
        #expect(hex(try golden.reencode(bytes)) == hex(bytes))
    }
}
