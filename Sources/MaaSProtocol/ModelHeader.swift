import ProtoWire

/// `maas.v1.ModelHeader`: the first message of a RegisterModel upload.
public struct ModelHeader: ProtoMessage, Equatable {
    public var name: String = ""
    public var format: ModelFormat = .unspecified
    public var description: String = ""
    public var labels: [String: String] = [:]
    /// Total bytes of the upload; 0 = not given.
    public var sizeBytes: UInt64 = 0
    /// Lower-case hex SHA-256 of the upload; empty = not given.
    public var sha256: String = ""
    /// Set for models that take audio; absent = the model file's own `maas.audio` metadata, if any.
    public var audio: AudioFrontEnd?
    /// Class names for the model's scores; absent = the model file's `maas.classes` metadata, if any.
    public var classes: ClassLabels?
    /// nil = the server's batching settings.
    public var batching: BatchingConfig?

    public init() {}

    public init(
        name: String, format: ModelFormat = .unspecified, description: String = "",
        labels: [String: String] = [:], sizeBytes: UInt64 = 0, sha256: String = "",
        audio: AudioFrontEnd? = nil, classes: ClassLabels? = nil, batching: BatchingConfig? = nil
    ) {
        self.batching = batching
        self.audio = audio
        self.classes = classes
        self.name = name
        self.format = format
        self.description = description
        self.labels = labels
        self.sizeBytes = sizeBytes
        self.sha256 = sha256
    }

    public static let protoMessageName = "ModelHeader"
    public static let protoFieldNames = [
        1: "name", 2: "format", 3: "description", 4: "labels", 5: "size_bytes", 6: "sha256", 7: "audio", 8: "classes", 9: "batching",
    ]

    public mutating func decodeField(_ field: FieldTag, from reader: inout ProtoReader) throws(ProtoDecodingError) -> Bool {
        switch field.number {
        case 1: name = try reader.readString(field)
        case 2: format = try reader.readEnum(field, as: ModelFormat.self)
        case 3: description = try reader.readString(field)
        case 4:
            let entry = try reader.readStringMapEntry(field)
            labels[entry.key] = entry.value
        case 5: sizeBytes = try reader.readUInt64(field)
        case 6: sha256 = try reader.readString(field)
        case 7: audio = try AudioFrontEnd.decodeEmbedded(field, from: &reader, merging: audio)
        case 8: classes = try ClassLabels.decodeEmbedded(field, from: &reader, merging: classes)
        case 9: batching = try BatchingConfig.decodeEmbedded(field, from: &reader, merging: batching)
        default: return false
        }
        return true
    }

    public func encode(to writer: inout ProtoWriter) {
        writer.write(1, string: name)
        writer.write(2, enum: format.rawValue)
        writer.write(3, string: description)
        writer.write(4, stringMap: labels)
        writer.write(5, uint64: sizeBytes)
        writer.write(6, string: sha256)
        if let audio { writer.writeMessage(7, audio) }
        if let classes { writer.writeMessage(8, classes) }
        if let batching { writer.writeMessage(9, batching) }
    }
}
