import ProtoWire

/// `maas.v1.Status`: the outcome of a call, on its final response frame.
public struct Status: ProtoSizedMessage, Equatable {
    public var code: StatusCode = .ok
    public var message: String = ""

    public init() {}

    public init(code: StatusCode, message: String = "") {
        self.code = code
        self.message = message
    }

    public static let ok = Status()

    public static let protoMessageName = "Status"
    public static let protoFieldNames = [1: "code", 2: "message"]

    public mutating func decodeField(_ field: FieldTag, from reader: inout ProtoReader) throws(ProtoDecodingError) -> Bool {
        switch field.number {
        case 1: code = StatusCode(wireValue: try reader.readInt32(field))
        case 2: message = try reader.readString(field)
        default: return false
        }
        return true
    }

    public func encode(to writer: inout ProtoWriter) {
        writer.write(1, int32: code.rawValue)
        writer.write(2, string: message)
    }

    public var serializedSize: Int {
        ProtoFieldSize.int32(1, code.rawValue) + ProtoFieldSize.string(2, message)
    }
}
