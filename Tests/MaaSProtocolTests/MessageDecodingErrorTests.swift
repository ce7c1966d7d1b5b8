import MaaSProtocol
import ProtoWire
import Testing

/// A hostile payload and where the decoder must say the problem is.
struct BadPayload: Sendable, CustomTestStringConvertible {
    let name: String
    let decode: @Sendable ([UInt8]) throws(ProtoDecodingError) -> Void
    let decodeView: @Sendable (BytesView) throws(ProtoDecodingError) -> Void
    let bytes: [UInt8]
    let kind: ProtoDecodingError.Kind?  // nil: any `invalidValue`
    let offset: Int
    let path: String

    init<M: ProtoMessage>(
        _ name: String, _ type: M.Type, _ bytes: String, _ kind: ProtoDecodingError.Kind?, at offset: Int, _ path: String
    ) {
        self.name = name
        self.decode = { bytes throws(ProtoDecodingError) in _ = try M(serializedBytes: bytes) }
        self.decodeView = { view throws(ProtoDecodingError) in _ = try M(serializedBytes: view) }
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
    ] + audioCases

    /// The audio messages and fields (issue 4): unknown enum values name their type, known fields with
    /// the wrong wire type and nested messages cut short are located, also inside oneofs.
    static let audioCases: [BadPayload] = [
        BadPayload("unknown mel scale in an upload header's audio", ModelHeader.self, "3a 02 58 07",
                   .invalidValue("unknown MelScale value 7"), at: 3, "ModelHeader.audio.mel_scale"),
        BadPayload("unknown mel normalization in a listed version", ListVersionsResponse.self, "0a 04 5a 02 60 02",
                   .invalidValue("unknown MelNormalization value 2"), at: 5,
                   "ListVersionsResponse.versions.audio.mel_normalization"),
        BadPayload("unknown feature layout deep in an upload", RegisterModelRequest.self, "0a 05 3a 03 90 01 04",
                   .invalidValue("unknown FeatureLayout value 4"), at: 6, "RegisterModelRequest.header.audio.layout"),
        BadPayload("negative feature layout as ten bytes", AudioFrontEnd.self, "90 01 ff ff ff ff ff ff ff ff ff 01",
                   .invalidValue("unknown FeatureLayout value -1"), at: 2, "AudioFrontEnd.layout"),
        BadPayload("unknown clip decision in a version's classes", ModelVersion.self, "62 02 18 02",
                   .invalidValue("unknown ClipDecision value 2"), at: 3, "ModelVersion.classes.clip_decision"),
        BadPayload("unknown features dtype in a response", PredictResponse.self, "32 02 08 03",
                   .invalidValue("unknown DataType value 3"), at: 3, "PredictResponse.features.dtype"),
        BadPayload("ctc_blank as bytes", ClassLabels.self, "2a 00",
                   .wrongWireType(expected: .varint, actual: .lengthDelimited), at: 0, "ClassLabels.ctc_blank"),
        BadPayload("power as fixed32", AudioFrontEnd.self, "3d 00 00 00 40",
                   .wrongWireType(expected: .fixed64, actual: .fixed32), at: 0, "AudioFrontEnd.power"),
        BadPayload("n_fft as fixed64 in a header's audio", ModelHeader.self, "3a 09 19 00 00 00 00 00 00 00 00",
                   .wrongWireType(expected: .varint, actual: .fixed64), at: 2, "ModelHeader.audio.n_fft"),
        BadPayload("audio file as a varint", PredictRequest.self, "20 01",
                   .wrongWireType(expected: .lengthDelimited, actual: .varint), at: 0, "PredictRequest.audio_file"),
        BadPayload("audio pcm as fixed32", PredictRequest.self, "2d 00 00 00 00",
                   .wrongWireType(expected: .lengthDelimited, actual: .fixed32), at: 0, "PredictRequest.audio_pcm"),
        BadPayload("include_features as fixed64", PredictRequest.self, "31 01 00 00 00 00 00 00 00",
                   .wrongWireType(expected: .varint, actual: .fixed64), at: 0, "PredictRequest.include_features"),
        BadPayload("probability as double in a top class", PredictResponse.self, "22 09 19 00 00 00 00 00 00 80 3f",
                   .wrongWireType(expected: .fixed32, actual: .fixed64), at: 2, "PredictResponse.top_classes.probability"),
        BadPayload("features as a varint", PredictResponse.self, "30 01",
                   .wrongWireType(expected: .lengthDelimited, actual: .varint), at: 0, "PredictResponse.features"),
        BadPayload("audio pcm longer than the request", PredictRequest.self, "2a 05 08 80 7d", .truncated, at: 1,
                   "PredictRequest.audio_pcm"),
        // The samples run past the end of audio_pcm though the request has bytes to spare: the nested bound holds.
        BadPayload("samples longer than their audio pcm", PredictRequest.self, "2a 04 08 01 1a 05 00 00 00 00 00",
                   .truncated, at: 5, "PredictRequest.audio_pcm.samples"),
        BadPayload("sample rate varint cut by the end of the audio", ModelHeader.self, "3a 02 08 80 7d",
                   .truncated, at: 3, "ModelHeader.audio.sample_rate"),
        BadPayload("top_db cut by the end of a version's audio", ModelVersion.self, "5a 04 79 00 00 00 00 00 00 00",
                   .truncated, at: 3, "ModelVersion.audio.top_db"),
        // Refused from the length alone, before anything is allocated.
        BadPayload("audio file declaring 2 GiB", PredictRequest.self, "22 80 80 80 80 08",
                   .tooLarge(length: 1 << 31, limit: Int(Int32.max)), at: 1, "PredictRequest.audio_file"),
        BadPayload("audio file longer than the request", PredictRequest.self, "0a 01 6d 22 80 01 00", .truncated,
                   at: 4, "PredictRequest.audio_file"),
        BadPayload("top class label longer than its class score", PredictResponse.self, "22 03 12 04 61 62 63 64",
                   .truncated, at: 3, "PredictResponse.top_classes.label"),
        BadPayload("features raw_data cut short", PredictResponse.self, "32 03 1a 08 00", .truncated, at: 3,
                   "PredictResponse.features.raw_data"),
        BadPayload("invalid UTF-8 in a class name", ModelVersion.self, "62 03 0a 01 ff", .invalidUTF8, at: 4,
                   "ModelVersion.classes.names"),
        BadPayload("invalid UTF-8 in the audio input name", AudioFrontEnd.self, "9a 01 02 c3 28", .invalidUTF8, at: 3,
                   "AudioFrontEnd.input"),
        BadPayload("invalid UTF-8 in a transcript", PredictResponse.self, "2a 02 61 80", .invalidUTF8, at: 3,
                   "PredictResponse.transcript"),
        BadPayload("invalid UTF-8 in a top class label", PredictResponse.self, "22 03 12 01 fe", .invalidUTF8, at: 4,
                   "PredictResponse.top_classes.label"),
        BadPayload("11-byte ctc blank", ClassLabels.self, "28 ff ff ff ff ff ff ff ff ff ff 01", .malformedVarint,
                   at: 1, "ClassLabels.ctc_blank"),
        BadPayload("group in raw audio", RawAudio.self, "1b 1c", .groupsUnsupported, at: 0, "RawAudio.samples"),
        BadPayload("pad_sequences as bytes", BatchingConfig.self, "1a 00",
                   .wrongWireType(expected: .varint, actual: .lengthDelimited), at: 0, "BatchingConfig.pad_sequences"),
        BadPayload("pad_sequences as fixed32 in an upload header's batching", ModelHeader.self, "4a 05 1d 01 00 00 00",
                   .wrongWireType(expected: .varint, actual: .fixed32), at: 2, "ModelHeader.batching.pad_sequences"),
        BadPayload("11-byte pad_sequences", BatchingConfig.self, "18 ff ff ff ff ff ff ff ff ff ff 01", .malformedVarint,
                   at: 1, "BatchingConfig.pad_sequences"),
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
