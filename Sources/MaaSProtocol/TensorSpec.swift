import ProtoWire

/// `maas.v1.TensorSpec`: a model input or output; -1 marks a dynamic dimension.
public struct TensorSpec: ProtoMessage, Equatable {
    public var name: String = ""
    public var dtype: DataType = .unspecified
    public var shape: [Int64] = []

    public init() {}

    public init(name: String, dtype: DataType, shape: [Int64]) {
        self.name = name
        self.dtype = dtype
        self.shape = shape
    }

    public static let protoMessageName = "TensorSpec"
    public static let protoFieldNames = [1: "name", 2: "dtype", 3: "shape"]

    public mutating func decodeField(_ field: FieldTag, from reader: inout ProtoReader) throws(ProtoDecodingError) -> Bool {
        switch field.number {
        case 1: name = try reader.readString(field)
        case 2: dtype = try reader.readEnum(field, as: DataType.self)
        case 3: try reader.readRepeatedInt64(field, into: &shape)
        default: return false
        }
        return true
    }

    public func encode(to writer: inout ProtoWriter) {
        writer.write(1, string: name)
        writer.write(2, enum: dtype.rawValue)
        writer.writePacked(3, int64: shape)
    }
}
