/// The six wire types of the protobuf binary format (the low three bits of a field key).
public enum WireType: UInt8, Sendable, CustomStringConvertible {
    case varint = 0
    case fixed64 = 1
    case lengthDelimited = 2
    case startGroup = 3
    case endGroup = 4
    case fixed32 = 5

    public var description: String {
        switch self {
        case .varint: "varint"
        case .fixed64: "fixed64"
        case .lengthDelimited: "length-delimited"
        case .startGroup: "start-group"
        case .endGroup: "end-group"
        case .fixed32: "fixed32"
        }
    }
}

/// A decoded field key: the field number, its wire type, and where the key started.
public struct FieldTag: Sendable, Equatable {
    public var number: Int
    public var wireType: WireType
    /// Absolute byte offset of the key in the top-level buffer.
    public var offset: Int

    public init(number: Int, wireType: WireType, offset: Int = 0) {
        self.number = number
        self.wireType = wireType
        self.offset = offset
    }

    /// Field numbers are 1...2^29-1 (the key is a uint32 with three bits of wire type).
    public static let maxFieldNumber = (1 << 29) - 1
}
