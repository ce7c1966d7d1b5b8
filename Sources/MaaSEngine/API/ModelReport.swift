/// What `maas inspect` shows about a model file, ONNX or native.
public struct ModelReport: Sendable {
    /// An operator the engine cannot run, and the node using it.
    public struct UnsupportedOperator: Sendable, Equatable {
        public var opType: String
        public var node: String

        public init(opType: String, node: String) {
            self.opType = opType
            self.node = node
        }
    }

    public var format: ModelFileFormat
    public var fileSize: Int
    public var inputs: [TensorSignature]
    public var outputs: [TensorSignature]
    /// Nodes per ONNX operator type (for a native plan: of the ONNX graph it was compiled from).
    public var operatorCounts: [String: Int]
    /// Elements of all float initializers.
    public var parameterCount: Int
    public var opsetVersion: Int?
    public var producer: String
    public var metadata: [String: String]
    /// Every operator is supported and the model compiles.
    public var isSupported: Bool
    public var firstUnsupported: UnsupportedOperator?
    /// Why a model whose operators are all supported still does not compile (bad opset, shape mismatch…).
    public var problem: String?

    public init(
        format: ModelFileFormat, fileSize: Int, inputs: [TensorSignature], outputs: [TensorSignature],
        operatorCounts: [String: Int], parameterCount: Int, opsetVersion: Int?, producer: String,
        metadata: [String: String], isSupported: Bool, firstUnsupported: UnsupportedOperator?, problem: String?
    ) {
        self.format = format
        self.fileSize = fileSize
        self.inputs = inputs
        self.outputs = outputs
        self.operatorCounts = operatorCounts
        self.parameterCount = parameterCount
        self.opsetVersion = opsetVersion
        self.producer = producer
        self.metadata = metadata
        self.isSupported = isSupported
        self.firstUnsupported = firstUnsupported
        self.problem = problem
    }
}
