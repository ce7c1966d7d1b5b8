import ProtoWire

/// `maas.v1.ListVersionsRequest`.
public struct ListVersionsRequest: ProtoMessage, Equatable {
    public var name: String = ""

    public init() {}
    public init(name: String) { self.name = name }

    public static let protoMessageName = "ListVersionsRequest"
    public static let protoFieldNames = [1: "name"]

    public mutating func decodeField(_ field: FieldTag, from reader: inout ProtoReader) throws(ProtoDecodingError) -> Bool {
        guard field.number == 1 else { return false }
        name = try reader.readString(field)
        return true
    }

    public func encode(to writer: inout ProtoWriter) {
        writer.write(1, string: name)
    }
}

/// `maas.v1.ListVersionsResponse`: newest first.
public struct ListVersionsResponse: ProtoMessage, Equatable {
    public var versions: [ModelVersion] = []

    public init() {}
    public init(versions: [ModelVersion]) { self.versions = versions }

    public static let protoMessageName = "ListVersionsResponse"
    public static let protoFieldNames = [1: "versions"]

    public mutating func decodeField(_ field: FieldTag, from reader: inout ProtoReader) throws(ProtoDecodingError) -> Bool {
        guard field.number == 1 else { return false }
        versions.append(try ModelVersion.decodeEmbedded(field, from: &reader))
        return true
    }

    public func encode(to writer: inout ProtoWriter) {
        writer.write(1, messages: versions)
    }
}
