import MaaSEngine

/// The `--json` form of `maas inspect`.
struct InspectionJSON: Encodable {
    struct Signature: Encodable {
        var name: String
        var dtype: String
        var shape: [Int]
    }

    struct Unsupported: Encodable {
        var op_type: String
        var node: String
    }

    var file: String
    var format: String
    var size_bytes: Int
    var opset: Int?
    var producer: String
    var inputs: [Signature]
    var outputs: [Signature]
    var parameters: Int
    var operators: [String: Int]
    var metadata: [String: String]
    var supported: Bool
    var first_unsupported: Unsupported?
    var problem: String?

    init(file: String, report: ModelReport) {
        func signature(_ s: TensorSignature) -> Signature {
            Signature(name: s.name, dtype: s.elementType.rawValue, shape: s.shape)
        }
        self.file = file
        format = report.format == .onnx ? "onnx" : "maas-plan"
        size_bytes = report.fileSize
        opset = report.opsetVersion
        producer = report.producer
        inputs = report.inputs.map(signature)
        outputs = report.outputs.map(signature)
        parameters = report.parameterCount
        operators = report.operatorCounts
        metadata = report.metadata
        supported = report.isSupported
        first_unsupported = report.firstUnsupported.map { Unsupported(op_type: $0.opType, node: $0.node) }
        problem = report.problem
    }
}
