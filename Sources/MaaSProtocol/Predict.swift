import ProtoWire

/// `maas.v1.PredictRequest`. Fields 4–9 are reserved for the audio input.
public struct PredictRequest: ProtoMessage, Equatable {
    public var name: String = ""
    /// 0 = the latest version.
    public var version: Int64 = 0
    public var inputs: [NamedTensor] = []

    public init() {}

    public init(name: String, version: Int64 = 0, inputs: [NamedTensor]) {
        self.name = name
        self.version = version
        self.inputs = inputs
    }

    public static let protoMessageName = "PredictRequest"
    public static let protoFieldNames = [1: "name", 2: "version", 3: "inputs"]

    public mutating func decodeField(_ field: FieldTag, from reader: inout ProtoReader) throws(ProtoDecodingError) -> Bool {
        switch field.number {
        case 1: name = try reader.readString(field)
        case 2: version = try reader.readInt64(field)
        case 3: inputs.append(try NamedTensor.decodeEmbedded(field, from: &reader))
        default: return false
        }
        return true
    }

    public func encode(to writer: inout ProtoWriter) {
        writer.write(1, string: name)
        writer.write(2, int64: version)
        writer.write(3, messages: inputs)
    }
}

/// `maas.v1.PredictResponse`.
public struct PredictResponse: ProtoMessage, Equatable {
    public var name: String = ""
    /// The version actually used.
    public var version: Int64 = 0
    public var outputs: [NamedTensor] = []

    public init() {}

    public init(name: String, version: Int64, outputs: [NamedTensor]) {
        self.name = name
        self.version = version
        self.outputs = outputs
    }

    public static let protoMessageName = "PredictResponse"
    public static let protoFieldNames = [1: "name", 2: "version", 3: "outputs"]

    public mutating func decodeField(_ field: FieldTag, from reader: inout ProtoReader) throws(ProtoDecodingError) -> Bool {
        switch field.number {
        case 1: name = try reader.readString(field)
        case 2: version = try reader.readInt64(field)
        case 3: outputs.append(try NamedTensor.decodeEmbedded(field, from: &reader))
        default: return false
        }
        return true
    }

    public func encode(to writer: inout ProtoWriter) {
        writer.write(1, string: name)
        writer.write(2, int64: version)
        writer.write(3, messages: outputs)
    }
}
