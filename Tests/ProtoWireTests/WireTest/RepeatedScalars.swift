import ProtoWire

/// The 14 repeated scalar fields AllTypes declares twice: packed at 31...44 and `[packed = false]` at 51...64.
/// Field `base + i` holds the i-th type in the order of the declarations in wiretest.proto.
struct RepeatedScalars: Equatable {
    var int32: [Int32] = []
    var int64: [Int64] = []
    var uint32: [UInt32] = []
    var uint64: [UInt64] = []
    var sint32: [Int32] = []
    var sint64: [Int64] = []
    var bool: [Bool] = []
    var color: [Int32] = []
    var fixed32: [UInt32] = []
    var fixed64: [UInt64] = []
    var sfixed32: [Int32] = []
    var sfixed64: [Int64] = []
    var float: [Float] = []
    var double: [Double] = []

    static let typeNames = [
        "int32", "int64", "uint32", "uint64", "sint32", "sint64", "bool", "enum",
        "fixed32", "fixed64", "sfixed32", "sfixed64", "float", "double",
    ]

    static func fieldNames(base: Int, prefix: String) -> [Int: String] {
        var names: [Int: String] = [:]
        for (i, type) in typeNames.enumerated() { names[base + i] = "\(prefix)_\(type)" }
        return names
    }

    /// Decodes field `number` if it is one of this group's; either encoding is accepted for any of them.
    mutating func decodeField(
        _ field: FieldTag, base: Int, from reader: inout ProtoReader
    ) throws(ProtoDecodingError) -> Bool {
        switch field.number - base {
        case 0: try reader.readRepeatedInt32(field, into: &int32)
        case 1: try reader.readRepeatedInt64(field, into: &int64)
        case 2: try reader.readRepeatedUInt32(field, into: &uint32)
        case 3: try reader.readRepeatedUInt64(field, into: &uint64)
        case 4: try reader.readRepeatedSInt32(field, into: &sint32)
        case 5: try reader.readRepeatedSInt64(field, into: &sint64)
        case 6: try reader.readRepeatedBool(field, into: &bool)
        case 7: try reader.readRepeatedEnum(field, into: &color)
        case 8: try reader.readRepeatedFixed32(field, into: &fixed32)
        case 9: try reader.readRepeatedFixed64(field, into: &fixed64)
        case 10: try reader.readRepeatedSFixed32(field, into: &sfixed32)
        case 11: try reader.readRepeatedSFixed64(field, into: &sfixed64)
        case 12: try reader.readRepeatedFloat(field, into: &float)
        case 13: try reader.readRepeatedDouble(field, into: &double)
        default: return false
        }
        return true
    }

    func encodePacked(base: Int, to writer: inout ProtoWriter) {
        writer.writePacked(base + 0, int32: int32)
        writer.writePacked(base + 1, int64: int64)
        writer.writePacked(base + 2, uint32: uint32)
        writer.writePacked(base + 3, uint64: uint64)
        writer.writePacked(base + 4, sint32: sint32)
        writer.writePacked(base + 5, sint64: sint64)
        writer.writePacked(base + 6, bool: bool)
        writer.writePacked(base + 7, enum: color)
        writer.writePacked(base + 8, fixed32: fixed32)
        writer.writePacked(base + 9, fixed64: fixed64)
        writer.writePacked(base + 10, sfixed32: sfixed32)
        writer.writePacked(base + 11, sfixed64: sfixed64)
        writer.writePacked(base + 12, float: float)
        writer.writePacked(base + 13, double: double)
    }

    /// One key per element, defaults included (repeated elements have no "absent").
    func encodeUnpacked(base: Int, to writer: inout ProtoWriter) {
        func varints<T>(_ offset: Int, _ values: [T], _ raw: (T) -> UInt64) {
            for value in values {
                writer.writeTag(base + offset, .varint)
                writer.writeRawVarint(raw(value))
            }
        }
        func fixed32s<T>(_ offset: Int, _ values: [T], _ raw: (T) -> UInt32) {
            for value in values {
                writer.writeTag(base + offset, .fixed32)
                writer.writeRawFixed32(raw(value))
            }
        }
        func fixed64s<T>(_ offset: Int, _ values: [T], _ raw: (T) -> UInt64) {
            for value in values {
                writer.writeTag(base + offset, .fixed64)
                writer.writeRawFixed64(raw(value))
            }
        }
        varints(0, int32) { UInt64(bitPattern: Int64($0)) }
        varints(1, int64) { UInt64(bitPattern: $0) }
        varints(2, uint32) { UInt64($0) }
        varints(3, uint64) { $0 }
        varints(4, sint32) { UInt64(ZigZag.encode($0)) }
        varints(5, sint64) { ZigZag.encode($0) }
        varints(6, bool) { $0 ? 1 : 0 }
        varints(7, color) { UInt64(bitPattern: Int64($0)) }
        fixed32s(8, fixed32) { $0 }
        fixed64s(9, fixed64) { $0 }
        fixed32s(10, sfixed32) { UInt32(bitPattern: $0) }
        fixed64s(11, sfixed64) { UInt64(bitPattern: $0) }
        fixed32s(12, float) { $0.bitPattern }
        fixed64s(13, double) { $0.bitPattern }
    }

    /// Floats compare by bit pattern, so NaN equals itself and -0.0 differs from +0.0.
    static func == (a: RepeatedScalars, b: RepeatedScalars) -> Bool {
        a.int32 == b.int32 && a.int64 == b.int64 && a.uint32 == b.uint32 && a.uint64 == b.uint64
            && a.sint32 == b.sint32 && a.sint64 == b.sint64 && a.bool == b.bool && a.color == b.color
            && a.fixed32 == b.fixed32 && a.fixed64 == b.fixed64 && a.sfixed32 == b.sfixed32
            && a.sfixed64 == b.sfixed64 && a.float.map(\.bitPattern) == b.float.map(\.bitPattern)
            && a.double.map(\.bitPattern) == b.double.map(\.bitPattern)
    }
}
