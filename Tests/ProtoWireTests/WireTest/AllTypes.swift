import ProtoWire

/// `wiretest.AllTypes`: every proto3 scalar type, packed and unpacked repeated scalars, a map, nested
/// and repeated messages and a oneof, hand-coded against ProtoWire. Enums are kept as open `Int32`s.
struct AllTypes: ProtoMessage {
    enum Choice: Sendable {
        case uint32(UInt32)
        case nested(Nested)
        case string(String)
        case bytes([UInt8])
        case double(Double)
    }

    var int32: Int32 = 0
    var int64: Int64 = 0
    var uint32: UInt32 = 0
    var uint64: UInt64 = 0
    var sint32: Int32 = 0
    var sint64: Int64 = 0
    var bool = false
    var color: Int32 = 0
    var fixed32: UInt32 = 0
    var fixed64: UInt64 = 0
    var sfixed32: Int32 = 0
    var sfixed64: Int64 = 0
    var float: Float = 0
    var double: Double = 0
    var string = ""
    var bytes: [UInt8] = []
    var packed = RepeatedScalars()
    var repeatedString: [String] = []
    var repeatedBytes: [[UInt8]] = []
    var unpacked = RepeatedScalars()
    var labels: [String: String] = [:]
    var nested: Nested?
    var nestedList: [Nested] = []
    var choice: Choice?
    var maxField: Int32 = 0

    static let packedBase = 31
    static let unpackedBase = 51
    static let maxFieldNumber = 536_870_911

    static let protoMessageName = "AllTypes"
    static let protoFieldNames: [Int: String] = {
        var names: [Int: String] = [
            45: "repeated_string", 46: "repeated_bytes", 70: "labels", 80: "nested", 81: "nested_list",
            111: "choice_uint32", 112: "choice_nested", 113: "choice_string", 114: "choice_bytes",
            115: "choice_double", maxFieldNumber: "f_max_field",
        ]
        for (i, type) in RepeatedScalars.typeNames.enumerated() { names[1 + i] = "f_\(type)" }
        names[15] = "f_string"
        names[16] = "f_bytes"
        names.merge(RepeatedScalars.fieldNames(base: packedBase, prefix: "packed")) { $1 }
        names.merge(RepeatedScalars.fieldNames(base: unpackedBase, prefix: "unpacked")) { $1 }
        return names
    }()

    mutating func decodeField(_ field: FieldTag, from reader: inout ProtoReader) throws(ProtoDecodingError) -> Bool {
        switch field.number {
        case 1: int32 = try reader.readInt32(field)
        case 2: int64 = try reader.readInt64(field)
        case 3: uint32 = try reader.readUInt32(field)
        case 4: uint64 = try reader.readUInt64(field)
        case 5: sint32 = try reader.readSInt32(field)
        case 6: sint64 = try reader.readSInt64(field)
        case 7: bool = try reader.readBool(field)
        case 8: color = try reader.readEnum(field)
        case 9: fixed32 = try reader.readFixed32(field)
        case 10: fixed64 = try reader.readFixed64(field)
        case 11: sfixed32 = try reader.readSFixed32(field)
        case 12: sfixed64 = try reader.readSFixed64(field)
        case 13: float = try reader.readFloat(field)
        case 14: double = try reader.readDouble(field)
        case 15: string = try reader.readString(field)
        case 16: bytes = try reader.readBytes(field)
        case Self.packedBase..<Self.packedBase + 14:
            return try packed.decodeField(field, base: Self.packedBase, from: &reader)
        case 45: repeatedString.append(try reader.readString(field))
        case 46: repeatedBytes.append(try reader.readBytes(field))
        case Self.unpackedBase..<Self.unpackedBase + 14:
            return try unpacked.decodeField(field, base: Self.unpackedBase, from: &reader)
        case 70:
            let entry = try reader.readStringMapEntry(field)
            labels[entry.key] = entry.value
        case 80: nested = try Nested.decodeEmbedded(field, from: &reader, merging: nested)
        case 81: nestedList.append(try Nested.decodeEmbedded(field, from: &reader))
        case 111: choice = .uint32(try reader.readUInt32(field))
        case 112:
            // A repeated oneof message member merges, like any singular message field.
            var existing: Nested? = nil
            if case .nested(let current) = choice { existing = current }
            choice = .nested(try Nested.decodeEmbedded(field, from: &reader, merging: existing))
        case 113: choice = .string(try reader.readString(field))
        case 114: choice = .bytes(try reader.readBytes(field))
        case 115: choice = .double(try reader.readDouble(field))
        case Self.maxFieldNumber: maxField = try reader.readInt32(field)
        default: return false
        }
        return true
    }

    func encode(to writer: inout ProtoWriter) {
        writer.write(1, int32: int32)
        writer.write(2, int64: int64)
        writer.write(3, uint32: uint32)
        writer.write(4, uint64: uint64)
        writer.write(5, sint32: sint32)
        writer.write(6, sint64: sint64)
        writer.write(7, bool: bool)
        writer.write(8, enum: color)
        writer.write(9, fixed32: fixed32)
        writer.write(10, fixed64: fixed64)
        writer.write(11, sfixed32: sfixed32)
        writer.write(12, sfixed64: sfixed64)
        writer.write(13, float: float)
        writer.write(14, double: double)
        writer.write(15, string: string)
        writer.write(16, bytes: bytes)
        packed.encodePacked(base: Self.packedBase, to: &writer)
        writer.write(45, strings: repeatedString)
        writer.write(46, bytesList: repeatedBytes)
        unpacked.encodeUnpacked(base: Self.unpackedBase, to: &writer)
        writer.write(70, stringMap: labels)
        if let nested { writer.writeMessage(80, nested) }
        writer.write(81, messages: nestedList)
        // Oneof members have presence: written even when they hold the type's default.
        switch choice {
        case .uint32(let value):
            writer.writeTag(111, .varint)
            writer.writeRawVarint(UInt64(value))
        case .nested(let value): writer.writeMessage(112, value)
        case .string(let value): writer.writeLengthDelimited(113, Array(value.utf8))
        case .bytes(let value): writer.writeLengthDelimited(114, value)
        case .double(let value):
            writer.writeTag(115, .fixed64)
            writer.writeRawFixed64(value.bitPattern)
        case nil: break
        }
        writer.write(Self.maxFieldNumber, int32: maxField)
    }
}

extension AllTypes: Equatable {
    /// Floats compare by bit pattern, so NaN equals itself and -0.0 differs from +0.0.
    static func == (a: AllTypes, b: AllTypes) -> Bool {
        a.int32 == b.int32 && a.int64 == b.int64 && a.uint32 == b.uint32 && a.uint64 == b.uint64
            && a.sint32 == b.sint32 && a.sint64 == b.sint64 && a.bool == b.bool && a.color == b.color
            && a.fixed32 == b.fixed32 && a.fixed64 == b.fixed64 && a.sfixed32 == b.sfixed32
            && a.sfixed64 == b.sfixed64 && a.float.bitPattern == b.float.bitPattern
            && a.double.bitPattern == b.double.bitPattern && a.string == b.string && a.bytes == b.bytes
            && a.packed == b.packed && a.repeatedString == b.repeatedString && a.repeatedBytes == b.repeatedBytes
            && a.unpacked == b.unpacked && a.labels == b.labels && a.nested == b.nested
            && a.nestedList == b.nestedList && a.choice == b.choice && a.maxField == b.maxField
    }
}

extension AllTypes.Choice: Equatable {
    static func == (a: Self, b: Self) -> Bool {
        switch (a, b) {
        case (.uint32(let x), .uint32(let y)): x == y
        case (.nested(let x), .nested(let y)): x == y
        case (.string(let x), .string(let y)): x == y
        case (.bytes(let x), .bytes(let y)): x == y
        case (.double(let x), .double(let y)): x.bitPattern == y.bitPattern
        default: false
        }
    }
}
