import MaaSProtocol
import ProtoWire
import Testing

/// One golden message of any maas.v1 type, with its checks bound to the concrete type.
struct ProtocolCase: Sendable, CustomTestStringConvertible {
    let name: String
    /// `maas.v1.<Message>`, as the manifest names it.
    let messageName: String
    let kind: MessageKind
    let encode: @Sendable () -> [UInt8]
    /// Decodes `bytes` as this case's type and says whether it equals the case's value.
    let decodesToValue: @Sendable ([UInt8]) throws -> Bool
    /// `serializedSize` for the types that declare it.
    let declaredSize: Int?
    /// Decodes a view (e.g. an envelope's payload) as this case's type and says whether it equals the case's value.
    let viewDecodesToValue: @Sendable (BytesView) throws -> Bool
    /// Decodes `bytes` as this case's type and encodes the result again.
    let reencode: @Sendable ([UInt8]) throws -> [UInt8]

    init<M: ProtoMessage & Equatable>(_ name: String, _ value: M) {
        self.name = name
        self.messageName = "maas.v1.\(M.protoMessageName)"
        self.kind = MessageKind(M.self)
        self.encode = { value.serializedBytes() }
        self.declaredSize = (value as? any ProtoSizedMessage)?.serializedSize
        self.decodesToValue = { try M(serializedBytes: $0) == value }
        self.viewDecodesToValue = { try M(serializedBytes: $0) == value }
        self.reencode = { try M(serializedBytes: $0).serializedBytes() }
    }

    var testDescription: String { name }
}

/// The same table as `cases()` in Fixtures/make_golden.py, case for case; keep them in step.
enum ProtocolCases {
    static let sha = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

    static func modelVersion(_ version: Int64) -> ModelVersion {
        var v = ModelVersion()
        v.name = "resnet-50"
        v.version = version
        v.format = .onnx
        v.sizeBytes = 102_400_000 + UInt64(version)
        v.sha256 = sha
        v.createdAtUnixMs = 1_764_374_400_000 + version
        v.description = "v\u{e9}rsion \u{2713}"
        v.labels = ["team": "vision", "stage": ""]
        v.inputs = [TensorSpec(name: "image", dtype: .float32, shape: [-1, 3, 224, 224])]
        v.outputs = [TensorSpec(name: "label", dtype: .int64, shape: [-1])]
        return v
    }

    static let predictRequest = PredictRequest(name: "resnet-50", inputs: [
        NamedTensor(name: "image", tensor: Tensor(shape: [1, 3], floats: [0.5, -1.0, .nan])),
        NamedTensor(name: "ids", tensor: Tensor(shape: [2], int64s: [-1, 1 << 40])),
    ])

    /// Every case, in the generator's order.
    static let all: [ProtocolCase] = backbone + audio

    static let backbone: [ProtocolCase] = [
        ProtocolCase("status_ok", Status.ok),
        ProtocolCase("status_not_found", Status(code: .notFound, message: "model \"r\u{e9}sum\u{e9}\" not found")),
        ProtocolCase("status_unauthenticated", Status(code: .unauthenticated, message: "missing authorization")),
        ProtocolCase("envelope_empty", Envelope()),
        ProtocolCase("envelope_predict_request", Envelope(
            callID: 1, method: Method.predict.rawValue, metadata: [MetadataKey.timeoutMs: "250"],
            payload: predictRequest.serializedBytes(), endStream: true)),
        ProtocolCase("envelope_response_ok", Envelope(callID: .max, payload: [0, 1], status: .ok, endStream: true)),
        ProtocolCase("envelope_resource_exhausted", Envelope(
            callID: 0, status: Status(code: .resourceExhausted, message: "frame of 9000000 bytes exceeds the 8388608-byte limit"),
            endStream: true)),
        ProtocolCase("envelope_metadata_prefix_keys", Envelope(
            callID: 7, metadata: ["timeout-ms": "250", "timeout": "1", "authorization": "Bearer t", "": ""])),
        ProtocolCase("model_header_full", ModelHeader(
            name: "resnet-50", format: .onnx, description: "\u{fc}n\u{ef}code \u{2713}",
            labels: ["team": "vision", "stage": ""], sizeBytes: 1 << 40, sha256: sha)),
        ProtocolCase("model_header_minimal", ModelHeader(name: "m")),
        ProtocolCase("register_header", RegisterModelRequest(.header(ModelHeader(name: "m", format: .maasPlan)))),
        ProtocolCase("register_header_empty", RegisterModelRequest(.header(ModelHeader()))),
        ProtocolCase("register_chunk", RegisterModelRequest(.chunk(Array(0...255) + Array(0...255)))),
        ProtocolCase("register_chunk_empty", RegisterModelRequest(.chunk([]))),
        ProtocolCase("register_nothing", RegisterModelRequest()),
        ProtocolCase("register_response", RegisterModelResponse(version: modelVersion(1))),
        ProtocolCase("register_response_empty", RegisterModelResponse()),
        ProtocolCase("tensor_spec_dynamic", TensorSpec(name: "x", dtype: .float32, shape: [-1, 0, 1, 1 << 40])),
        ProtocolCase("model_version_full", modelVersion(3)),
        ProtocolCase("list_versions_request", ListVersionsRequest(name: "resnet-50")),
        ProtocolCase("list_versions_response", ListVersionsResponse(versions: [modelVersion(2), modelVersion(1)])),
        ProtocolCase("list_versions_response_empty", ListVersionsResponse()),
        ProtocolCase("tensor_float32", Tensor(shape: [2, 2], floats: [1.0, -2.5, 0.0, .nan])),
        ProtocolCase("tensor_int64", Tensor(shape: [3], int64s: [-1, 0, 1 << 62])),
        ProtocolCase("tensor_scalar", Tensor(shape: [], floats: [3.5])),
        ProtocolCase("named_tensor", NamedTensor(name: "input", tensor: Tensor(shape: [1], floats: [1.0]))),
        ProtocolCase("named_tensor_without_tensor", { var n = NamedTensor(); n.name = "x"; return n }()),
        ProtocolCase("predict_request", predictRequest),
        ProtocolCase("predict_request_pinned_version", PredictRequest(name: "m", version: 3, inputs: [])),
        ProtocolCase("predict_response", PredictResponse(name: "resnet-50", version: 3, outputs: [
            NamedTensor(name: "label", tensor: Tensor(shape: [1], int64s: [281])),
            NamedTensor(name: "scores", tensor: Tensor(shape: [1, 2], floats: [0.25, 0.75])),
        ])),
    ]
}
