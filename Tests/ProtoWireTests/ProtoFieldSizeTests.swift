import ProtoWire
import Testing

/// Each size function against what the writer really writes, at the values where sizes change.
@Suite("ProtoFieldSize")
struct ProtoFieldSizeTests {
    static let numbers = [1, 15, 16, 2047, 2048, FieldTag.maxFieldNumber]
    static let varints: [UInt64] = [0, 1, 127, 128, 16_383, 16_384, UInt64(Int64.max), .max]

    static func written(_ body: (inout ProtoWriter) -> Void) -> Int {
        var writer = ProtoWriter()
        body(&writer)
        return writer.bytes.count
    }

    @Test("varint, int64 and int32 fields, negative int32 sign-extended", arguments: numbers)
    func varints(number: Int) {
        for value in Self.varints {
            #expect(ProtoFieldSize.varint(number, value) == Self.written { $0.write(number, uint64: value) })
            let signed = Int64(bitPattern: value)
            #expect(ProtoFieldSize.int64(number, signed) == Self.written { $0.write(number, int64: signed) })
            let narrow = Int32(truncatingIfNeeded: signed)
            #expect(ProtoFieldSize.int32(number, narrow) == Self.written { $0.write(number, int32: narrow) })
        }
    }

    @Test("floats (only +0.0 omitted), strings, bytes and packed int64s", arguments: numbers)
    func others(number: Int) {
        for value: Float in [0, -0.0, 1, .nan] {
            #expect(ProtoFieldSize.float(number, value) == Self.written { $0.write(number, float: value) })
        }
        for text in ["", "a", String(repeating: "é", count: 64), String(repeating: "x", count: 200)] {
            #expect(ProtoFieldSize.string(number, text) == Self.written { $0.write(number, string: text) })
        }
        for count in [0, 1, 127, 128, 20_000] {
            let bytes = [UInt8](repeating: 3, count: count)
            #expect(ProtoFieldSize.bytes(number, count: count) == Self.written { $0.write(number, bytes: bytes) })
            #expect(ProtoFieldSize.lengthDelimited(number, count: count) == Self.written { $0.writeLengthDelimited(number, bytes) })
        }
        for values: [Int64] in [[], [0], [-1, 1, 1 << 40], Array(repeating: -1, count: 20)] {
            #expect(ProtoFieldSize.packed(number, int64: values) == Self.written { $0.writePacked(number, int64: values) })
        }
    }
}
