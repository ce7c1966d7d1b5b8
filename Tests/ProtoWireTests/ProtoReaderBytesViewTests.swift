import ProtoWire
import Testing
import MaaSTestSupport

/// Messages decoded from a view that sits inside a larger buffer (a frame's payload, a nested field):
/// the same values and the same errors as from an array holding just those bytes, never a read outside
/// the view, and `bytes` fields that are views of the same buffer.
@Suite("ProtoReader over a BytesView")
struct ProtoReaderBytesViewTests {
    /// `message` as field 1 of a wrapper, after an unknown field, read back as a view of owned memory that
    /// ends where an inaccessible page begins (so a read past the view's end would have to fall inside the
    /// wrapper's trailing field, and one past the buffer crashes).
    static func embedded(_ message: [UInt8], owner: inout GuardedBytes?) throws -> ProtoReader.BytesView {
        var writer = ProtoWriter()
        writer.write(2, bytes: [0xEE, 0xEE, 0xEE])
        writer.writeLengthDelimited(1, message)
        writer.write(3, uint64: 0x7F)
        let guarded = GuardedBytes(writer.bytes)
        owner = guarded
        var reader = ProtoReader(owner: guarded)
        while let field = try reader.nextField() {
            if field.number == 1 { return try reader.readBytesView(field) }
            try reader.skip(field)
        }
        preconditionFailure("the wrapper always has field 1")
    }

    private static func outcome(_ decode: () throws(ProtoDecodingError) -> AllTypes) -> Result<AllTypes, ProtoDecodingError> {
        do { return .success(try decode()) } catch { return .failure(error) }
    }

    @Test("decodes Google's bytes from a view to the same value", arguments: GoldenCases.all)
    func decodesGoldens(_ golden: GoldenCase) throws {
        let bytes = try Fixtures.golden(golden.name)
        var owner: GuardedBytes?
        let view = try Self.embedded(bytes, owner: &owner)
        #expect(view.range.lowerBound > 0)
        #expect(try AllTypes(serializedBytes: view) == golden.value)
    }

    @Test("rejects hostile input from a view with the array's error, offsets counted from the view",
          arguments: MalformedInputTests.cases)
    func rejectsLikeArrays(_ bad: MalformedCase) throws {
        var owner: GuardedBytes?
        let view = try Self.embedded(bad.bytes, owner: &owner)
        let fromView = Self.outcome { () throws(ProtoDecodingError) in try AllTypes(serializedBytes: view, limits: bad.limits) }
        let fromArray = Self.outcome { () throws(ProtoDecodingError) in try AllTypes(serializedBytes: bad.bytes, limits: bad.limits) }
        #expect(fromView == fromArray)
        guard case .failure = fromView else {
            Issue.record("\(bad.name) decoded")
            return
        }
    }

    @Test("mutated golden messages decode or fail from a view exactly as from an array", arguments: GoldenCases.all)
    func mutatedGoldens(_ golden: GoldenCase) throws {
        let original = try Fixtures.golden(golden.name)
        var random = SplitMix64(seed: UInt64(truncatingIfNeeded: golden.name.hashValueStable) ^ 0x71E3)
        for _ in 0..<40 {
            var bytes = original
            for _ in 0..<Int.random(in: 1...4, using: &random) {
                RandomInputTests.mutate(&bytes, using: &random)
            }
            var owner: GuardedBytes?
            let view = try Self.embedded(bytes, owner: &owner)
            let fromView = Self.outcome { () throws(ProtoDecodingError) in try AllTypes(serializedBytes: view) }
            let fromArray = Self.outcome { () throws(ProtoDecodingError) in try AllTypes(serializedBytes: bytes) }
            #expect(fromView == fromArray, "differs for \(hex(bytes))")
        }
    }

    @Test("the whole-message limit applies to a view's length")
    func sizeLimit() throws {
        var owner: GuardedBytes?
        let view = try Self.embedded([0x08, 0x01, 0x10, 0x01], owner: &owner)
        let error = #expect(throws: ProtoDecodingError.self) { try AllTypes(serializedBytes: view, limits: ProtoLimits(maxLength: 3)) }
        #expect(error?.kind == .tooLarge(length: 4, limit: 3))
        #expect(error?.offset == 0)
        #expect(error?.path == ["AllTypes"])
    }

    @Test("a bytes field read from a view is a view of the same buffer, not a copy")
    func nestedViewsShareTheBuffer() throws {
        // f_bytes (16) 01 02 03
        var owner: GuardedBytes?
        let view = try Self.embedded([0x82, 0x01, 0x03, 0x01, 0x02, 0x03], owner: &owner)
        var reader = ProtoReader(view)
        let field = try #require(try reader.nextField())
        let inner = try reader.readBytesView(field)
        #expect(Array(inner) == [1, 2, 3])
        #expect(inner.range == view.range.lowerBound + 3..<view.range.upperBound)
        #expect(inner.owner === owner)
        inner.withUnsafeBytes { #expect($0.baseAddress == owner!.bytes.baseAddress! + inner.range.lowerBound) }
    }

    @Test("array literals, contiguous copies and typed errors through withUnsafeBytes")
    func conveniences() throws {
        let view: ProtoReader.BytesView = [1, 2, 3]
        #expect(view == ProtoReader.BytesView([1, 2, 3]))
        #expect(view.withContiguousStorageIfAvailable { Array($0) } == [1, 2, 3])
        var appended: [UInt8] = [0]
        appended.append(contentsOf: view)
        #expect(appended == [0, 1, 2, 3])
        #expect(view.reduce(0, +) == 6)
        #expect(Array(view.dropFirst()) == [2, 3])
        let empty: ProtoReader.BytesView = []
        #expect(empty.isEmpty && Array(empty) == [])
        struct Refused: Error, Equatable {}
        #expect(throws: Refused()) { try view.withUnsafeBytes { (_) throws(Refused) in throw Refused() } }
    }
}
