import ProtoWire
import Testing

/// One hostile input and the exact error it must produce.
struct MalformedCase: Sendable, CustomTestStringConvertible {
    let name: String
    let bytes: [UInt8]
    let kind: ProtoDecodingError.Kind
    let offset: Int
    /// `Message.field...` as `ProtoDecodingError.path` joins it.
    let path: String
    let fieldNumber: Int?
    var limits = ProtoLimits.default

    init(
        _ name: String, _ bytes: String, _ kind: ProtoDecodingError.Kind, at offset: Int, _ path: String,
        field fieldNumber: Int?, limits: ProtoLimits = .default
    ) {
        self.name = name
        self.bytes = hex(bytes)
        self.kind = kind
        self.offset = offset
        self.path = path
        self.fieldNumber = fieldNumber
        self.limits = limits
    }

    var testDescription: String { name }
}

@Suite("Malformed input")
struct MalformedInputTests {
    // Keys used below: 08 f_int32 varint, 0d f_int32 fixed32, 4d f_fixed32, 51 f_fixed64, 7a f_string,
    // 78 f_string as varint, 82 05 nested, 80 05 nested as varint, 8a 05 nested_list, b2 04 labels,
    // ea 02 repeated_string, fa 01 packed_int32, f9 01 packed_int32 as fixed64, ba 02 packed_fixed32,
    // d8 02 packed_float as varint, e2 03 unpacked_fixed64 packed, 82 07 choice_nested, 8a 07 choice_string,
    // 98 01 / 99 01 / 9a 01 / 9b 01 / 9c 01 / 9d 01 unknown field 19 with wire types 0-5.
    static let cases: [MalformedCase] = [
        // Truncation
        MalformedCase("truncated key", "88", .truncated, at: 0, "AllTypes", field: nil),
        MalformedCase("truncated varint", "08 80", .truncated, at: 1, "AllTypes.f_int32", field: 1),
        MalformedCase("truncated 10-byte int32", "08 ff ff ff ff ff ff ff ff ff", .truncated, at: 1,
                      "AllTypes.f_int32", field: 1),
        MalformedCase("truncated fixed32", "4d 01 02", .truncated, at: 1, "AllTypes.f_fixed32", field: 9),
        MalformedCase("truncated fixed64", "51 01 02 03 04 05 06 07", .truncated, at: 1, "AllTypes.f_fixed64", field: 10),
        MalformedCase("truncated length prefix", "7a 80", .truncated, at: 1, "AllTypes.f_string", field: 15),
        MalformedCase("length past the end", "7a 05 61 62", .truncated, at: 1, "AllTypes.f_string", field: 15),
        MalformedCase("length past the end of the enclosing message though the buffer goes on",
                      "82 05 03 12 05 61 62 63 64 65", .truncated, at: 4, "AllTypes.nested.note", field: 2),
        MalformedCase("varint cut by the end of a nested message", "82 05 02 08 80 01", .truncated, at: 4,
                      "AllTypes.nested.value", field: 1),
        MalformedCase("varint cut by the end of a packed run", "fa 01 01 ff 01", .truncated, at: 3,
                      "AllTypes.packed_int32", field: 31),
        MalformedCase("truncated map value", "b2 04 03 12 05 61", .truncated, at: 4, "AllTypes.labels.value", field: 2),
        MalformedCase("truncated oneof message", "82 07 02 08 80", .truncated, at: 4, "AllTypes.choice_nested.value",
                      field: 1),
        MalformedCase("truncated unknown varint", "98 01 80", .truncated, at: 2, "AllTypes.#19", field: 19),
        MalformedCase("truncated unknown fixed64", "99 01 00", .truncated, at: 2, "AllTypes.#19", field: 19),
        MalformedCase("truncated unknown length-delimited", "9a 01 05 00", .truncated, at: 2, "AllTypes.#19", field: 19),
        MalformedCase("truncated unknown fixed32", "9d 01 00", .truncated, at: 2, "AllTypes.#19", field: 19),
        // Varints
        MalformedCase("11-byte varint", "08 ff ff ff ff ff ff ff ff ff ff 01", .malformedVarint, at: 1,
                      "AllTypes.f_int32", field: 1),
        MalformedCase("10th varint byte above 1", "08 ff ff ff ff ff ff ff ff ff 02", .malformedVarint, at: 1,
                      "AllTypes.f_int32", field: 1),
        MalformedCase("11-byte varint in an unknown field", "98 01 80 80 80 80 80 80 80 80 80 80 00",
                      .malformedVarint, at: 2, "AllTypes.#19", field: 19),
        MalformedCase("key beyond 32 bits", "80 80 80 80 10", .malformedVarint, at: 0, "AllTypes", field: nil),
        // Limits
        MalformedCase("length over the limit", "7a 11", .tooLarge(length: 17, limit: 16), at: 1, "AllTypes.f_string",
                      field: 15, limits: ProtoLimits(maxLength: 16)),
        MalformedCase("4 GiB length reported as too large, not truncated", "7a ff ff ff ff 0f",
                      .tooLarge(length: 0xFFFF_FFFF, limit: Int(Int32.max)), at: 1, "AllTypes.f_string", field: 15),
        MalformedCase("packed run over the limit", "fa 01 ff ff ff ff 0f",
                      .tooLarge(length: 0xFFFF_FFFF, limit: Int(Int32.max)), at: 2, "AllTypes.packed_int32", field: 31),
        MalformedCase("nested message over the limit", "82 05 ff ff ff ff ff ff ff ff 7f",
                      .tooLarge(length: .max >> 1, limit: Int(Int32.max)), at: 2, "AllTypes.nested", field: 80),
        MalformedCase("whole message over the limit", "08 01 08 01 08", .tooLarge(length: 5, limit: 4), at: 0,
                      "AllTypes", field: nil, limits: ProtoLimits(maxLength: 4)),
        MalformedCase("nesting deeper than the limit", "82 05 06 1a 04 1a 02 08 01", .tooDeep(limit: 2), at: 5,
                      "AllTypes.nested.child.child", field: 3, limits: ProtoLimits(maxDepth: 2)),
        // Keys
        MalformedCase("wire type 6", "0e", .invalidWireType(6), at: 0, "AllTypes", field: nil),
        MalformedCase("wire type 7", "0f", .invalidWireType(7), at: 0, "AllTypes", field: nil),
        MalformedCase("wire type 7 inside a nested message", "82 05 01 0f", .invalidWireType(7), at: 3,
                      "AllTypes.nested", field: 80),
        MalformedCase("wire type 6 in the second element of a repeated message", "8a 05 00 8a 05 01 0e",
                      .invalidWireType(6), at: 6, "AllTypes.nested_list", field: 81),
        MalformedCase("wire type 7 inside a map entry", "b2 04 01 0f", .invalidWireType(7), at: 3, "AllTypes.labels",
                      field: 70),
        MalformedCase("field number 0", "00 01", .invalidFieldNumber(0), at: 0, "AllTypes", field: nil),
        MalformedCase("field number 0, length-delimited", "02 00", .invalidFieldNumber(0), at: 0, "AllTypes", field: nil),
        MalformedCase("field number 0 inside a nested message", "82 05 02 00 01", .invalidFieldNumber(0), at: 3,
                      "AllTypes.nested", field: 80),
        // Groups
        MalformedCase("start group on a known field", "0b 0c", .groupsUnsupported, at: 0, "AllTypes.f_int32", field: 1),
        MalformedCase("start group on an unknown field", "9b 01 9c 01", .groupsUnsupported, at: 0, "AllTypes.#19",
                      field: 19),
        MalformedCase("stray end group", "9c 01", .groupsUnsupported, at: 0, "AllTypes.#19", field: 19),
        MalformedCase("group inside a map entry", "b2 04 02 0b 0c", .groupsUnsupported, at: 3, "AllTypes.labels.key",
                      field: 1),
        // UTF-8 (the offset is the first byte of the first bad sequence)
        MalformedCase("invalid UTF-8: lead byte without continuation", "7a 02 c3 28", .invalidUTF8, at: 2,
                      "AllTypes.f_string", field: 15),
        MalformedCase("invalid UTF-8: overlong encoding", "7a 03 61 c0 80", .invalidUTF8, at: 3, "AllTypes.f_string",
                      field: 15),
        MalformedCase("invalid UTF-8: surrogate", "7a 03 ed a0 80", .invalidUTF8, at: 2, "AllTypes.f_string", field: 15),
        MalformedCase("invalid UTF-8: above U+10FFFF", "7a 04 f4 90 80 80", .invalidUTF8, at: 2, "AllTypes.f_string",
                      field: 15),
        MalformedCase("invalid UTF-8: sequence cut by the length", "7a 03 61 e2 82 ac", .invalidUTF8, at: 3,
                      "AllTypes.f_string", field: 15),
        MalformedCase("invalid UTF-8: stray continuation byte", "7a 02 61 80", .invalidUTF8, at: 3, "AllTypes.f_string",
                      field: 15),
        MalformedCase("invalid UTF-8 in a map key", "b2 04 04 0a 02 c3 28", .invalidUTF8, at: 5, "AllTypes.labels.key",
                      field: 1),
        MalformedCase("invalid UTF-8 in a map value", "b2 04 03 12 01 ff", .invalidUTF8, at: 5, "AllTypes.labels.value",
                      field: 2),
        MalformedCase("invalid UTF-8 in a repeated string", "ea 02 00 ea 02 01 ff", .invalidUTF8, at: 6,
                      "AllTypes.repeated_string", field: 45),
        MalformedCase("invalid UTF-8 in a oneof string", "8a 07 01 ff", .invalidUTF8, at: 3, "AllTypes.choice_string",
                      field: 113),
        MalformedCase("invalid UTF-8 in a nested message", "82 05 03 12 01 ff", .invalidUTF8, at: 5,
                      "AllTypes.nested.note", field: 2),
        // Packed fixed-width runs
        MalformedCase("packed fixed32 of 3 bytes", "ba 02 03 01 02 03", .invalidPackedLength(length: 3, elementSize: 4),
                      at: 2, "AllTypes.packed_fixed32", field: 39),
        MalformedCase("packed fixed64 of 12 bytes on an unpacked field",
                      "e2 03 0c 00 00 00 00 00 00 00 00 00 00 00 00", .invalidPackedLength(length: 12, elementSize: 8),
                      at: 2, "AllTypes.unpacked_fixed64", field: 60),
        // Wire type of a known field
        MalformedCase("int32 field as fixed32", "0d 00 00 00 00", .wrongWireType(expected: .varint, actual: .fixed32),
                      at: 0, "AllTypes.f_int32", field: 1),
        MalformedCase("string field as varint", "78 01", .wrongWireType(expected: .lengthDelimited, actual: .varint),
                      at: 0, "AllTypes.f_string", field: 15),
        MalformedCase("message field as varint", "80 05 01", .wrongWireType(expected: .lengthDelimited, actual: .varint),
                      at: 0, "AllTypes.nested", field: 80),
        MalformedCase("packed float as varint", "d8 02 01", .wrongWireType(expected: .fixed32, actual: .varint), at: 0,
                      "AllTypes.packed_float", field: 43),
        MalformedCase("packed int32 as fixed64", "f9 01 00 00 00 00 00 00 00 00",
                      .wrongWireType(expected: .varint, actual: .fixed64), at: 0, "AllTypes.packed_int32", field: 31),
        MalformedCase("map entry as fixed32", "b5 04 00 00 00 00",
                      .wrongWireType(expected: .lengthDelimited, actual: .fixed32), at: 0, "AllTypes.labels", field: 70),
    ]

    @Test("rejects with the exact kind, offset and field path", arguments: cases)
    func rejects(_ bad: MalformedCase) {
        let error = #expect(throws: ProtoDecodingError.self) {
            try AllTypes(serializedBytes: bad.bytes, limits: bad.limits)
        }
        guard let error else { return }
        #expect(error.kind == bad.kind)
        #expect(error.offset == bad.offset)
        #expect(error.path.joined(separator: ".") == bad.path)
        #expect(error.fieldNumber == bad.fieldNumber)
    }

}
