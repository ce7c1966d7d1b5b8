import MaaSProtocol
import ProtoWire
import Testing

/// A hostile payload and where the decoder must say the problem is.
struct BadPayload: Sendable, CustomTestStringConvertible {
    let name: String
    let decode: @Sendable ([UInt8]) throws(ProtoDecodingError) -> Void
    let bytes: [UInt8]
    let kind: ProtoDecodingError.Kind?  // nil: any `invalidValue`
    let offset: Int
    let path: String

    init<M: ProtoMessage>(
        _ name: String, _ type: M.Type, _ bytes: String, _ kind: ProtoDecodingError.Kind?, at offset: Int, _ path: String
    ) {
        self.name = name
        self.decode = { bytes throws(ProtoDecodingError) in _ = try M(serializedBytes: bytes) }
        self.bytes = hex(bytes)
        self.kind = kind
        self.offset = offset
        self.path = path
    }

    var testDescription: String { name }
}

@Suite("maas.v1 decoding errors")
struct MessageDecodingErrorTests {
    static let cases: [BadPayload] = [
        // inputs { tensor { shape: packed run whose only varint is cut by the run's end } }
        BadPayload("truncated shape deep inside a predict request", PredictRequest.self, "1a 05 12 03 12 01 ff",
                   .truncated, at: 6, "PredictRequest.inputs.tensor.shape"),
        BadPayload("unknown tensor dtype", PredictRequest.self, "1a 04 12 02 08 07", nil, at: 5,
                   "PredictRequest.inputs.tensor.dtype"),
        BadPayload("tensor raw_data longer than the message", PredictResponse.self, "1a 04 12 02 1a 09", .truncated,
                   at: 5, "PredictResponse.outputs.tensor.raw_data"),
        BadPayload("invalid UTF-8 in an output name", PredictResponse.self, "1a 03 0a 01 ff", .invalidUTF8, at: 4,
                   "PredictResponse.outputs.name"),
        BadPayload("invalid UTF-8 in a metadata key", Envelope.self, "1a 04 0a 02 c3 28", .invalidUTF8, at: 4,
                   "Envelope.metadata.key"),
        BadPayload("invalid UTF-8 in a status message", Envelope.self, "2a 03 12 01 ff", .invalidUTF8, at: 4,
                   "Envelope.status.message"),
        BadPayload("payload longer than the envelope", Envelope.self, "22 05 00", .truncated, at: 1, "Envelope.payload"),
        BadPayload("11-byte call id", Envelope.self, "08 ff ff ff ff ff ff ff ff ff ff 01", .malformedVarint, at: 1,
                   "Envelope.call_id"),
        BadPayload("end_stream as fixed32", Envelope.self, "35 01 00 00 00",
                   .wrongWireType(expected: .varint, actual: .fixed32), at: 0, "Envelope.end_stream"),
        BadPayload("truncated label value in an upload header", RegisterModelRequest.self, "0a 05 22 03 12 05 61",
                   .truncated, at: 5, "RegisterModelRequest.header.labels.value"),
        BadPayload("unknown model format in an upload header", RegisterModelRequest.self, "0a 02 10 09", nil, at: 3,
                   "RegisterModelRequest.header.format"),
        BadPayload("shape as fixed32 in a listed version", ListVersionsResponse.self, "0a 07 4a 05 1d 00 00 00 00",
                   .wrongWireType(expected: .varint, actual: .fixed32), at: 4, "ListVersionsResponse.versions.inputs.shape"),
        BadPayload("version as a string", ModelVersion.self, "12 00",
                   .wrongWireType(expected: .varint, actual: .lengthDelimited), at: 0, "ModelVersion.version"),
        BadPayload("group in a list request", ListVersionsRequest.self, "0b 0c", .groupsUnsupported, at: 0,
                   "ListVersionsRequest.name"),
    ]

    @Test("names the field path, kind and byte offset", arguments: cases)
    func namesThePath(_ bad: BadPayload) {
        let error = #expect(throws: ProtoDecodingError.self) { try bad.decode(bad.bytes) }
        guard let error else { return }
        if let kind = bad.kind {
            #expect(error.kind == kind)
        } else if case .invalidValue = error.kind {
        } else {
            Issue.record("expected invalidValue, got \(error.kind)")
        }
        #expect(error.offset == bad.offset)
        #expect(error.path.joined(separator: ".") == bad.path)
    }

    @Test("says where in words")
    func description() {
        let error = #expect(throws: ProtoDecodingError.self) {
            try PredictRequest(serializedBytes: hex("1a 05 12 03 12 01 ff"))
        }
        #expect(error?.description == "PredictRequest.inputs.tensor.shape: truncated input at byte 6")
    }

    @Test("skips fields a newer peer sends, such as the reserved fields 8 and 9 of PredictRequest")
    func skipsNewerFields() throws {
        let known = ProtocolCases.predictRequest.serializedBytes()
        // field 8 length-delimited, field 9 varint (both reserved), field 100 fixed64, appended and prepended
        let extra = hex("42 03 01 02 03" + "48 96 01" + "a1 06 00 00 00 00 00 00 00 00")
        #expect(try PredictRequest(serializedBytes: extra + known + extra) == ProtocolCases.predictRequest)
    }
}
