import MaaSProtocol

/// What the server learned while compiling an upload: recorded in the version's metadata.
public struct PreparedModel: Sendable, Equatable {
    /// The upload's format as detected (the header's format may be `unspecified`).
    public var format: ModelFormat
    public var inputs: [TensorSpec]
    public var outputs: [TensorSpec]

    public init(format: ModelFormat, inputs: [TensorSpec], outputs: [TensorSpec]) {
        self.format = format
        self.inputs = inputs
        self.outputs = outputs
    }
}
