import ProtoWire

/// `maas.v1.ModelVersion`: one registered, immutable version of a model.
public struct ModelVersion: ProtoMessage, Equatable {
    public var name: String = ""
    public var version: Int64 = 0
    public var format: ModelFormat = .unspecified
    public var sizeBytes: UInt64 = 0
    public var sha256: String = ""
    public var createdAtUnixMs: Int64 = 0
    public var description: String = ""
    public var labels: [String: String] = [:]
    public var inputs: [TensorSpec] = []
    public var outputs: [TensorSpec] = []
    /// The audio front-end with its feature layout resolved; nil for tensor-only models.
    public var audio: AudioFrontEnd?
    public var classes: ClassLabels?
    /// The version's own batching settings, as registered; nil = the server's.
    public var batching: BatchingConfig?

    public init() {}

    public static let protoMessageName = "ModelVersion"
    public static let protoFieldNames = [
        1: "name", 2: "version", 3: "format", 4: "size_bytes", 5: "sha256", 6: "created_at_unix_ms",
        7: "description", 8: "labels", 9: "inputs", 10: "outputs", 11: "audio", 12: "classes", 13: "batching",
    ]

    public mutating func decodeField(_ field: FieldTag, from reader: inout ProtoReader) throws(ProtoDecodingError) -> Bool {
        switch field.number {
        case 1: name = try reader.readString(field)
        case 2: version = try reader.readInt64(field)
        case 3: format = try reader.readEnum(field, as: ModelFormat.self)
        case 4: sizeBytes = try reader.readUInt64(field)
        case 5: sha256 = try reader.readString(field)
        case 6: createdAtUnixMs = try reader.readInt64(field)
        case 7: description = try reader.readString(field)
        case 8:
            let entry = try reader.readStringMapEntry(field)
            labels[entry.key] = entry.value
        case 9: inputs.append(try TensorSpec.decodeEmbedded(field, from: &reader))
        case 10: outputs.append(try TensorSpec.decodeEmbedded(field, from: &reader))
        case 11: audio = try AudioFrontEnd.decodeEmbedded(field, from: &reader, merging: audio)
        case 12: classes = try ClassLabels.decodeEmbedded(field, from: &reader, merging: classes)
        case 13: batching = try BatchingConfig.decodeEmbedded(field, from: &reader, merging: batching)
        default: return false
        }
        return true
    }

    public func encode(to writer: inout ProtoWriter) {
        writer.write(1, string: name)
        writer.write(2, int64: version)
        writer.write(3, enum: format.rawValue)
        writer.write(4, uint64: sizeBytes)
        writer.write(5, string: sha256)
        writer.write(6, int64: createdAtUnixMs)
        writer.write(7, string: description)
        writer.write(8, stringMap: labels)
        writer.write(9, messages: inputs)
        writer.write(10, messages: outputs)
        if let audio { writer.writeMessage(11, audio) }
        if let classes { writer.writeMessage(12, classes) }
        if let batching { writer.writeMessage(13, batching) }
    }
}
