import MaaSProtocol

/// What the server learned while compiling an upload: recorded in the version's metadata.
public struct PreparedModel: Sendable, Equatable {
    /// The upload's format as detected (the header's format may be `unspecified`).
    public var format: ModelFormat
    public var inputs: [TensorSpec]
    public var outputs: [TensorSpec]
    /// The audio front-end with its layout and input resolved against `inputs`; nil for tensor-only models.
    public var audio: AudioFrontEnd?
    /// Class labels with their output resolved against `outputs`.
    public var classes: ClassLabels?
    /// The version's own batching settings, as given at registration.
    public var batching: BatchingConfig?

    public init(
        format: ModelFormat, inputs: [TensorSpec], outputs: [TensorSpec], audio: AudioFrontEnd? = nil,
        classes: ClassLabels? = nil, batching: BatchingConfig? = nil
    ) {
        self.batching = batching
        self.format = format
        self.inputs = inputs
        self.outputs = outputs
        self.audio = audio
        self.classes = classes
    }
}
