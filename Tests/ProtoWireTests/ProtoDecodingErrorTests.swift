import ProtoWire
import Testing

@Suite("ProtoDecodingError")
struct ProtoDecodingErrorTests {
    @Test("describes what, which field and where")
    func description() {
        let error = #expect(throws: ProtoDecodingError.self) {
            try AllTypes(serializedBytes: hex("82 05 03 12 05 61"))
        }
        #expect(error?.description == "AllTypes.nested.note: truncated input at byte 4")
    }

    @Test("falls back to the field number when there is no path")
    func numberWithoutPath() {
        let error = ProtoDecodingError(.wrongWireType(expected: .varint, actual: .fixed64), offset: 9, fieldNumber: 4)
        #expect(error.description == "field 4: wrong wire type fixed64, expected varint at byte 9")
    }

    @Test("names unknown fields by number in the path")
    func unknownFieldInPath() {
        let error = #expect(throws: ProtoDecodingError.self) { try AllTypes(serializedBytes: hex("98 01 80")) }
        #expect(error?.description == "AllTypes.#19: truncated input at byte 2")
    }
}
