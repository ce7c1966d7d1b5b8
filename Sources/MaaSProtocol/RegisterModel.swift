import ProtoWire

/// `maas.v1.RegisterModelRequest`: one frame of a client-streaming upload (a header, then chunks).
public struct RegisterModelRequest: ProtoMessage, Equatable {
    public enum Kind: Sendable, Equatable {
        case header(ModelHeader)
        case chunk([UInt8])
    }

    /// nil when the sender set neither member of the oneof.
    public var kind: Kind?

    public init() {}
    public init(_ kind: Kind) { self.kind = kind }

    public static let protoMessageName = "RegisterModelRequest"
    public static let protoFieldNames = [1: "header", 2: "chunk"]

    public mutating func decodeField(_ field: FieldTag, from reader: inout ProtoReader) throws(ProtoDecodingError) -> Bool {
        switch field.number {
        case 1:
            // A repeated header field merges into the earlier one, as protobuf's oneof rules say.
            var current: ModelHeader? = nil
            if case .header(let header) = kind { current = header }
            kind = .header(try ModelHeader.decodeEmbedded(field, from: &reader, merging: current))
        case 2: kind = .chunk(try reader.readBytes(field))
        default: return false
        }
        return true
    }

    public func encode(to writer: inout ProtoWriter) {
        switch kind {
        case .header(let header): writer.writeMessage(1, header)
        // A oneof member is written even when empty: its presence is the information.
        case .chunk(let bytes): writer.writeLengthDelimited(2, bytes)
        case nil: break
        }
    }
}

/// `maas.v1.RegisterModelResponse`.
public struct RegisterModelResponse: ProtoMessage, Equatable {
    public var version: ModelVersion?

    public init() {}
    public init(version: ModelVersion) { self.version = version }

    public static let protoMessageName = "RegisterModelResponse"
    public static let protoFieldNames = [1: "version"]

    public mutating func decodeField(_ field: FieldTag, from reader: inout ProtoReader) throws(ProtoDecodingError) -> Bool {
        guard field.number == 1 else { return false }
        version = try ModelVersion.decodeEmbedded(field, from: &reader, merging: version)
        return true
    }

    public func encode(to writer: inout ProtoWriter) {
        if let version { writer.writeMessage(1, version) }
    }
}
