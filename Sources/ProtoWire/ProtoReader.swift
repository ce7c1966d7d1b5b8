/// Limits a reader enforces on hostile input.
public struct ProtoLimits: Sendable {
    /// Deepest nesting of messages accepted.
    public var maxDepth: Int
    /// Largest single length-delimited value (string, bytes, message, packed array).
    public var maxLength: Int

    public init(maxDepth: Int = 64, maxLength: Int = Int(Int32.max)) {
        self.maxDepth = maxDepth
        self.maxLength = maxLength
    }

    public static let `default` = ProtoLimits()
}

/// A bounds-checked cursor over protobuf bytes.
///
/// The cursor moves only after a value decoded completely; every declared length is checked against
/// what remains before anything is allocated. Offsets in errors are absolute in the top-level buffer.
/// A known field with an unexpected wire type is rejected (`wrongWireType`) rather than skipped: a peer
/// that sends one has a schema mismatch, and silently dropping the field would hide it. Repeated scalars
/// are the exception the spec requires: both packed and unpacked encodings are accepted.
public struct ProtoReader: Sendable {
    @usableFromInline let buffer: [UInt8]
    @usableFromInline var position: Int
    @usableFromInline let end: Int
    public let depth: Int
    public let limits: ProtoLimits

    public init(_ bytes: [UInt8], limits: ProtoLimits = .default) {
        self.buffer = bytes
        self.position = 0
        self.end = bytes.count
        self.depth = 0
        self.limits = limits
    }

    init(buffer: [UInt8], range: Range<Int>, depth: Int, limits: ProtoLimits) {
        self.buffer = buffer
        self.position = range.lowerBound
        self.end = range.upperBound
        self.depth = depth
        self.limits = limits
    }

    /// Absolute offset of the next unread byte.
    public var offset: Int { position }
    public var isAtEnd: Bool { position >= end }
    public var remaining: Int { end - position }

    // MARK: Keys

    /// Reads the next field key, or returns nil at the end of this message.
    public mutating func nextField() throws(ProtoDecodingError) -> FieldTag? {
        if position >= end { return nil }
        let start = position
        let key = try readRawVarint()
        guard key <= UInt64(UInt32.max) else {
            throw ProtoDecodingError(.malformedVarint, offset: start)
        }
        let wireBits = UInt8(key & 7)
        guard let wireType = WireType(rawValue: wireBits) else {
            throw ProtoDecodingError(.invalidWireType(wireBits), offset: start)
        }
        let number = key >> 3
        guard number >= 1, number <= UInt64(FieldTag.maxFieldNumber) else {
            throw ProtoDecodingError(.invalidFieldNumber(number), offset: start)
        }
        return FieldTag(number: Int(number), wireType: wireType, offset: start)
    }

    /// Skips the value of a field this decoder does not know.
    public mutating func skip(_ field: FieldTag) throws(ProtoDecodingError) {
        switch field.wireType {
        case .varint: _ = try readRawVarint()
        case .fixed64: try advance(8)
        case .fixed32: try advance(4)
        case .lengthDelimited: _ = try readLengthDelimitedRange()
        case .startGroup, .endGroup:
            throw ProtoDecodingError(.groupsUnsupported, offset: field.offset, fieldNumber: field.number)
        }
    }

    // MARK: Raw values

    /// Reads a base-128 varint of at most 10 bytes; the 10th byte may only carry the top bit of 64.
    public mutating func readRawVarint() throws(ProtoDecodingError) -> UInt64 {
        let start = position
        var result: UInt64 = 0
        var shift: UInt64 = 0
        var index = position
        while true {
            guard index < end else { throw ProtoDecodingError(.truncated, offset: start) }
            let byte = buffer[index]
            index += 1
            if shift == 63 && byte > 1 {
                throw ProtoDecodingError(.malformedVarint, offset: start)
            }
            result |= UInt64(byte & 0x7F) << shift
            if byte & 0x80 == 0 { break }
            shift += 7
            if shift > 63 { throw ProtoDecodingError(.malformedVarint, offset: start) }
        }
        position = index
        return result
    }

    public mutating func readRawFixed32() throws(ProtoDecodingError) -> UInt32 {
        guard remaining >= 4 else { throw ProtoDecodingError(.truncated, offset: position) }
        var value: UInt32 = 0
        for i in 0..<4 { value |= UInt32(buffer[position + i]) << (8 * UInt32(i)) }
        position += 4
        return value
    }

    public mutating func readRawFixed64() throws(ProtoDecodingError) -> UInt64 {
        guard remaining >= 8 else { throw ProtoDecodingError(.truncated, offset: position) }
        var value: UInt64 = 0
        for i in 0..<8 { value |= UInt64(buffer[position + i]) << (8 * UInt64(i)) }
        position += 8
        return value
    }

    /// Reads a length prefix and returns the absolute range of the value, after checking it against
    /// both the limit and the bytes that remain. Nothing is allocated.
    public mutating func readLengthDelimitedRange() throws(ProtoDecodingError) -> Range<Int> {
        let start = position
        let length = try readRawVarint()
        guard length <= UInt64(limits.maxLength) else {
            position = start
            throw ProtoDecodingError(.tooLarge(length: length, limit: limits.maxLength), offset: start)
        }
        guard length <= UInt64(end - position) else {
            position = start
            throw ProtoDecodingError(.truncated, offset: start)
        }
        let range = position..<(position + Int(length))
        position = range.upperBound
        return range
    }

    private mutating func advance(_ count: Int) throws(ProtoDecodingError) {
        guard remaining >= count else { throw ProtoDecodingError(.truncated, offset: position) }
        position += count
    }

    @inline(__always)
    private func expect(_ field: FieldTag, _ wireType: WireType) throws(ProtoDecodingError) {
        guard field.wireType == wireType else {
            throw ProtoDecodingError(
                .wrongWireType(expected: wireType, actual: field.wireType),
                offset: field.offset, fieldNumber: field.number)
        }
    }

    // MARK: Typed singular fields

    public mutating func readUInt64(_ field: FieldTag) throws(ProtoDecodingError) -> UInt64 {
        try expect(field, .varint)
        return try readRawVarint()
    }

    public mutating func readInt64(_ field: FieldTag) throws(ProtoDecodingError) -> Int64 {
        try expect(field, .varint)
        return Int64(bitPattern: try readRawVarint())
    }

    /// int32 values are sign-extended to 10 bytes on the wire; the upper bits are truncated like Google's parsers.
    public mutating func readInt32(_ field: FieldTag) throws(ProtoDecodingError) -> Int32 {
        try expect(field, .varint)
        return Int32(truncatingIfNeeded: try readRawVarint())
    }

    public mutating func readUInt32(_ field: FieldTag) throws(ProtoDecodingError) -> UInt32 {
        try expect(field, .varint)
        return UInt32(truncatingIfNeeded: try readRawVarint())
    }

    public mutating func readSInt32(_ field: FieldTag) throws(ProtoDecodingError) -> Int32 {
        try expect(field, .varint)
        return ZigZag.decode(UInt32(truncatingIfNeeded: try readRawVarint()))
    }

    public mutating func readSInt64(_ field: FieldTag) throws(ProtoDecodingError) -> Int64 {
        try expect(field, .varint)
        return ZigZag.decode(try readRawVarint())
    }

    public mutating func readBool(_ field: FieldTag) throws(ProtoDecodingError) -> Bool {
        try expect(field, .varint)
        return try readRawVarint() != 0
    }

    /// Enums are int32 on the wire; unknown values are kept (proto3 open enums).
    public mutating func readEnum(_ field: FieldTag) throws(ProtoDecodingError) -> Int32 {
        try readInt32(field)
    }

    public mutating func readFixed32(_ field: FieldTag) throws(ProtoDecodingError) -> UInt32 {
        try expect(field, .fixed32)
        return try readRawFixed32()
    }

    public mutating func readFixed64(_ field: FieldTag) throws(ProtoDecodingError) -> UInt64 {
        try expect(field, .fixed64)
        return try readRawFixed64()
    }

    public mutating func readFloat(_ field: FieldTag) throws(ProtoDecodingError) -> Float {
        Float(bitPattern: try readFixed32(field))
    }

    public mutating func readDouble(_ field: FieldTag) throws(ProtoDecodingError) -> Double {
        Double(bitPattern: try readFixed64(field))
    }

    public mutating func readBytes(_ field: FieldTag) throws(ProtoDecodingError) -> [UInt8] {
        try expect(field, .lengthDelimited)
        return Array(buffer[try readLengthDelimitedRange()])
    }

    /// The bytes of a length-delimited field without copying them out of the buffer.
    public mutating func readBytesSlice(_ field: FieldTag) throws(ProtoDecodingError) -> ArraySlice<UInt8> {
        try expect(field, .lengthDelimited)
        return buffer[try readLengthDelimitedRange()]
    }

    public mutating func readString(_ field: FieldTag) throws(ProtoDecodingError) -> String {
        try expect(field, .lengthDelimited)
        let start = position
        let range = try readLengthDelimitedRange()
        guard let string = String(validating: buffer[range], as: UTF8.self) else {
            throw ProtoDecodingError(.invalidUTF8, offset: start, fieldNumber: field.number)
        }
        return string
    }

    /// A reader over an embedded message, one level deeper.
    public mutating func readMessage(_ field: FieldTag) throws(ProtoDecodingError) -> ProtoReader {
        try expect(field, .lengthDelimited)
        guard depth + 1 <= limits.maxDepth else {
            throw ProtoDecodingError(.tooDeep(limit: limits.maxDepth), offset: field.offset, fieldNumber: field.number)
        }
        let range = try readLengthDelimitedRange()
        return ProtoReader(buffer: buffer, range: range, depth: depth + 1, limits: limits)
    }

    // MARK: Repeated scalars (packed or unpacked)

    /// Appends one element (unpacked) or a packed run of varints, decoded by `transform`.
    public mutating func readRepeatedVarint<T>(
        _ field: FieldTag, into array: inout [T], _ transform: (UInt64) -> T
    ) throws(ProtoDecodingError) {
        switch field.wireType {
        case .varint:
            array.append(transform(try readRawVarint()))
        case .lengthDelimited:
            let range = try readLengthDelimitedRange()
            // Each varint takes at least one byte, so the length bounds the count.
            var sub = ProtoReader(buffer: buffer, range: range, depth: depth, limits: limits)
            var count = 0
            for byte in buffer[range] where byte & 0x80 == 0 { count += 1 }
            array.reserveCapacity(array.count + count)
            while !sub.isAtEnd {
                array.append(transform(try sub.readRawVarint()))
            }
        default:
            throw ProtoDecodingError(
                .wrongWireType(expected: .varint, actual: field.wireType),
                offset: field.offset, fieldNumber: field.number)
        }
    }

    public mutating func readRepeatedInt64(_ field: FieldTag, into array: inout [Int64]) throws(ProtoDecodingError) {
        try readRepeatedVarint(field, into: &array) { Int64(bitPattern: $0) }
    }

    public mutating func readRepeatedUInt64(_ field: FieldTag, into array: inout [UInt64]) throws(ProtoDecodingError) {
        try readRepeatedVarint(field, into: &array) { $0 }
    }

    public mutating func readRepeatedInt32(_ field: FieldTag, into array: inout [Int32]) throws(ProtoDecodingError) {
        try readRepeatedVarint(field, into: &array) { Int32(truncatingIfNeeded: $0) }
    }

    /// Appends one fixed32 element or a packed run of them.
    public mutating func readRepeatedFixed32(_ field: FieldTag, into array: inout [UInt32]) throws(ProtoDecodingError) {
        switch field.wireType {
        case .fixed32:
            array.append(try readRawFixed32())
        case .lengthDelimited:
            let start = position
            let range = try readLengthDelimitedRange()
            guard range.count % 4 == 0 else {
                throw ProtoDecodingError(
                    .invalidPackedLength(length: range.count, elementSize: 4), offset: start, fieldNumber: field.number)
            }
            array.reserveCapacity(array.count + range.count / 4)
            var sub = ProtoReader(buffer: buffer, range: range, depth: depth, limits: limits)
            while !sub.isAtEnd { array.append(try sub.readRawFixed32()) }
        default:
            throw ProtoDecodingError(
                .wrongWireType(expected: .fixed32, actual: field.wireType),
                offset: field.offset, fieldNumber: field.number)
        }
    }

    /// Appends one fixed64 element or a packed run of them.
    public mutating func readRepeatedFixed64(_ field: FieldTag, into array: inout [UInt64]) throws(ProtoDecodingError) {
        switch field.wireType {
        case .fixed64:
            array.append(try readRawFixed64())
        case .lengthDelimited:
            let start = position
            let range = try readLengthDelimitedRange()
            guard range.count % 8 == 0 else {
                throw ProtoDecodingError(
                    .invalidPackedLength(length: range.count, elementSize: 8), offset: start, fieldNumber: field.number)
            }
            array.reserveCapacity(array.count + range.count / 8)
            var sub = ProtoReader(buffer: buffer, range: range, depth: depth, limits: limits)
            while !sub.isAtEnd { array.append(try sub.readRawFixed64()) }
        default:
            throw ProtoDecodingError(
                .wrongWireType(expected: .fixed64, actual: field.wireType),
                offset: field.offset, fieldNumber: field.number)
        }
    }

    public mutating func readRepeatedFloat(_ field: FieldTag, into array: inout [Float]) throws(ProtoDecodingError) {
        var raw: [UInt32] = []
        try readRepeatedFixed32(field, into: &raw)
        array.reserveCapacity(array.count + raw.count)
        for bits in raw { array.append(Float(bitPattern: bits)) }
    }

    public mutating func readRepeatedDouble(_ field: FieldTag, into array: inout [Double]) throws(ProtoDecodingError) {
        var raw: [UInt64] = []
        try readRepeatedFixed64(field, into: &raw)
        array.reserveCapacity(array.count + raw.count)
        for bits in raw { array.append(Double(bitPattern: bits)) }
    }

    // MARK: Maps

    /// Reads one `map<string,string>` entry (key = 1, value = 2; both may be absent and default to "").
    public mutating func readStringMapEntry(_ field: FieldTag) throws(ProtoDecodingError) -> (key: String, value: String) {
        var entry = try readMessage(field)
        var key = ""
        var value = ""
        while let inner = try entry.nextField() {
            switch inner.number {
            case 1: key = try entry.readString(inner)
            case 2: value = try entry.readString(inner)
            default: try entry.skip(inner)
            }
        }
        return (key, value)
    }
}
