import MaaSProtocol

/// The `--json` form of a model version (snake_case keys, as in the .proto).
struct ModelVersionJSON: Encodable {
    struct Spec: Encodable {
        var name: String
        var dtype: String
        var shape: [Int64]

        init(_ spec: TensorSpec) {
            name = spec.name
            dtype = spec.dtype.name
            shape = spec.shape
        }
    }

    var name: String
    var version: Int64
    var format: String
    var size_bytes: UInt64
    var sha256: String
    var created_at: String
    var created_at_unix_ms: Int64
    var description: String
    var labels: [String: String]
    var inputs: [Spec]
    var outputs: [Spec]
    var audio: AudioFrontEndJSON?
    var classes: ClassLabelsJSON?
    var batching: BatchingJSON?

    init(_ version: ModelVersion) {
        name = version.name
        self.version = version.version
        format = version.format.name
        size_bytes = version.sizeBytes
        sha256 = version.sha256
        created_at = Units.iso8601(unixMilliseconds: version.createdAtUnixMs)
        created_at_unix_ms = version.createdAtUnixMs
        description = version.description
        labels = version.labels
        inputs = version.inputs.map(Spec.init)
        outputs = version.outputs.map(Spec.init)
        audio = version.audio.map(AudioFrontEndJSON.init)
        classes = version.classes.map(ClassLabelsJSON.init)
        batching = version.batching.map(BatchingJSON.init)
    }
}

extension TensorSpec {
    /// `audio float32[-1, 1, 20]`.
    var summary: String { "\(name) \(dtype.name)\(Units.shape(shape))" }
}
