/// A bounds-checked cursor over protobuf bytes.
///
/// The cursor moves only after a value decoded completely; every declared length is checked against
/// the limit and then against what remains before anything is allocated. Offsets in errors are absolute
/// in the top-level buffer, and point at the key of the field for wire-type and depth errors, at the
/// length prefix for length errors, at the first byte of a bad varint, and at the first invalid byte of
/// a bad string.
///
/// Interop rules, decided once:
/// - Unknown fields are skipped by wire type; groups (wire types 3/4) are rejected wherever they appear.
/// - Repeated scalars are accepted both packed and unpacked, whatever the schema declares.
/// - A known field with an unexpected wire type is rejected (`wrongWireType`) rather than skipped as
///   Google's parsers do: a peer that sends one has a schema mismatch, and dropping the field would hide it.
/// - Varints are at most 10 bytes and the 10th byte may only be 0 or 1 (Google also accepts higher
///   bits there and discards them; they cannot come from a correct encoder).
/// - 32-bit integers arrive as 64-bit varints and are truncated to 32 bits, like Google's parsers.
public struct ProtoReader: Sendable {
    @usableFromInline let storage: Storage
    @usableFromInline var position: Int
    @usableFromInline let end: Int
    /// Embedded-message levels below the top-level message.
    public let depth: Int
    public let limits: ProtoLimits

    public init(_ bytes: [UInt8], limits: ProtoLimits = .default) {
        self.init(storage: .array(bytes), limits: limits)
    }

    /// A reader over bytes that `owner` keeps alive (a mapped file), decoded in place: nothing is copied
    /// except the values asked for, and `readBytesView` gives even those without a copy.
    public init(owner: any ByteOwner, limits: ProtoLimits = .default) {
        self.init(storage: Storage(owner), limits: limits)
    }

    private init(storage: Storage, limits: ProtoLimits) {
        self.storage = storage
        self.position = 0
        self.end = storage.count
        self.depth = 0
        self.limits = limits
    }

    init(storage: Storage, range: Range<Int>, depth: Int, limits: ProtoLimits) {
        // Every read is checked against `end` only, so a range beyond the buffer must never exist.
        precondition(range.lowerBound >= 0 && range.upperBound <= storage.count, "reader range outside its buffer")
        self.storage = storage
        self.position = range.lowerBound
        self.end = range.upperBound
        self.depth = depth
        self.limits = limits
    }

    /// A reader over `range` of this reader's buffer, at `depth`.
    func subReader(_ range: Range<Int>, depth: Int) -> ProtoReader {
        ProtoReader(storage: storage, range: range, depth: depth, limits: limits)
    }

    /// Absolute offset of the next unread byte.
    public var offset: Int { position }
    public var isAtEnd: Bool { position >= end }
    public var remaining: Int { end - position }

    // MARK: Keys

    /// Reads the next field key, or returns nil at the end of this message.
    ///
    /// Group keys are returned (so the caller can name the field); `skip` and the typed readers reject them.
    public mutating func nextField() throws(ProtoDecodingError) -> FieldTag? {
        if position >= end { return nil }
        let start = position
        let key = try readRawVarint()
        guard key <= UInt64(UInt32.max) else {
            position = start
            throw ProtoDecodingError(.malformedVarint, offset: start)
        }
        let wireBits = UInt8(key & 7)
        guard let wireType = WireType(rawValue: wireBits) else {
            position = start
            throw ProtoDecodingError(.invalidWireType(wireBits), offset: start)
        }
        let number = key >> 3
        guard number >= 1 else {
            position = start
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
        case .startGroup, .endGroup: throw Self.groupsError(field)
        }
    }

    // MARK: Raw values

    /// Reads a base-128 varint of at most 10 bytes; the 10th byte may only carry the top bit of 64.
    public mutating func readRawVarint() throws(ProtoDecodingError) -> UInt64 {
        let start = position
        switch storage.withBytes({ Self.decodeVarint($0, at: start, end: end) }) {
        case .value(let value, let next):
            position = next
            return value
        case .truncated: throw ProtoDecodingError(.truncated, offset: start)
        case .malformed: throw ProtoDecodingError(.malformedVarint, offset: start)
        }
    }

    private enum VarintOutcome {
        case value(UInt64, next: Int)
        case truncated
        case malformed
    }

    @inline(__always)
    private static func decodeVarint(_ buffer: UnsafeRawBufferPointer, at start: Int, end: Int) -> VarintOutcome {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        var index = start
        while true {
            guard index < end else { return .truncated }
            let byte = buffer[index]
            index += 1
            // At shift 63 only one payload bit is left, and no continuation: anything else is an 11th byte
            // or bits beyond 64.
            if shift == 63 && byte > 1 { return .malformed }
            result |= UInt64(byte & 0x7F) << shift
            if byte & 0x80 == 0 { return .value(result, next: index) }
            shift += 7
        }
    }

    public mutating func readRawFixed32() throws(ProtoDecodingError) -> UInt32 {
        guard remaining >= 4 else { throw ProtoDecodingError(.truncated, offset: position) }
        let at = position
        let value = storage.withBytes { UInt32(littleEndian: $0.loadUnaligned(fromByteOffset: at, as: UInt32.self)) }
        position += 4
        return value
    }

    public mutating func readRawFixed64() throws(ProtoDecodingError) -> UInt64 {
        guard remaining >= 8 else { throw ProtoDecodingError(.truncated, offset: position) }
        let at = position
        let value = storage.withBytes { UInt64(littleEndian: $0.loadUnaligned(fromByteOffset: at, as: UInt64.self)) }
        position += 8
        return value
    }

    /// Reads a length prefix and returns the absolute range of the value, after checking it against
    /// the limit first (so an absurd length is reported as too large, not truncated) and then against
    /// the bytes that remain. Nothing is allocated.
    public mutating func readLengthDelimitedRange() throws(ProtoDecodingError) -> Range<Int> {
        let start = position
        let length = try readRawVarint()
        guard length <= UInt64(clamping: limits.maxLength) else {
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
    func expect(_ field: FieldTag, _ wireType: WireType) throws(ProtoDecodingError) {
        guard field.wireType == wireType else { throw Self.wireTypeError(field, expected: wireType) }
    }

    /// The error for a known field that arrived with `field.wireType`: groups get their own kind.
    static func wireTypeError(_ field: FieldTag, expected: WireType) -> ProtoDecodingError {
        switch field.wireType {
        case .startGroup, .endGroup: groupsError(field)
        default:
            ProtoDecodingError(
                .wrongWireType(expected: expected, actual: field.wireType),
                offset: field.offset, fieldNumber: field.number)
        }
    }

    @usableFromInline static func groupsError(_ field: FieldTag) -> ProtoDecodingError {
        ProtoDecodingError(.groupsUnsupported, offset: field.offset, fieldNumber: field.number)
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

    public mutating func readSFixed32(_ field: FieldTag) throws(ProtoDecodingError) -> Int32 {
        Int32(bitPattern: try readFixed32(field))
    }

    public mutating func readSFixed64(_ field: FieldTag) throws(ProtoDecodingError) -> Int64 {
        Int64(bitPattern: try readFixed64(field))
    }

    public mutating func readFloat(_ field: FieldTag) throws(ProtoDecodingError) -> Float {
        Float(bitPattern: try readFixed32(field))
    }

    public mutating func readDouble(_ field: FieldTag) throws(ProtoDecodingError) -> Double {
        Double(bitPattern: try readFixed64(field))
    }

    public mutating func readBytes(_ field: FieldTag) throws(ProtoDecodingError) -> [UInt8] {
        try expect(field, .lengthDelimited)
        return storage.copy(try readLengthDelimitedRange())
    }

    /// The bytes of a length-delimited field: a slice sharing the buffer when the reader reads an array,
    /// a copy when it reads an owner's bytes (use `readBytesView` to avoid that copy).
    public mutating func readBytesSlice(_ field: FieldTag) throws(ProtoDecodingError) -> ArraySlice<UInt8> {
        try expect(field, .lengthDelimited)
        return storage.slice(try readLengthDelimitedRange())
    }

    /// The bytes of a length-delimited field left in the buffer, whichever kind it is: never a copy.
    public mutating func readBytesView(_ field: FieldTag) throws(ProtoDecodingError) -> BytesView {
        try expect(field, .lengthDelimited)
        return BytesView(storage: storage, range: try readLengthDelimitedRange())
    }

    /// A `string` must be valid UTF-8 (as Google's proto3 parsers require); the error points at the
    /// first byte of the first invalid sequence.
    public mutating func readString(_ field: FieldTag) throws(ProtoDecodingError) -> String {
        try expect(field, .lengthDelimited)
        let start = position
        let range = try readLengthDelimitedRange()
        let decoded = storage.withBytes { Self.validUTF8(UnsafeRawBufferPointer(rebasing: $0[range])) }
        guard let string = decoded else {
            position = start
            throw ProtoDecodingError(.invalidUTF8, offset: firstInvalidUTF8(in: range), fieldNumber: field.number)
        }
        return string
    }

    /// The string `bytes` hold, or nil if they are not UTF-8. Names and labels are mostly ASCII, which needs no
    /// validation beyond a look at each byte; `String(validating:as:)` costs about 650 instructions more per
    /// string (it is not specialized for a buffer: Benchmarks/profile/callgrind.sh).
    static func validUTF8(_ bytes: UnsafeRawBufferPointer) -> String? {
        var high: UInt8 = 0
        for byte in bytes { high |= byte }
        if high < 0x80 { return String(decoding: bytes, as: UTF8.self) }
        return String(validating: bytes, as: UTF8.self)
    }

    private func firstInvalidUTF8(in range: Range<Int>) -> Int {
        storage.withBytes { buffer in
            var parser = Unicode.UTF8.ForwardParser()
            var bytes = UnsafeRawBufferPointer(rebasing: buffer[range]).makeIterator()
            var offset = range.lowerBound
            while true {
                switch parser.parseScalar(from: &bytes) {
                case .valid(let scalar): offset += scalar.count
                case .error: return offset
                case .emptyInput: return range.lowerBound  // not reached: the caller saw invalid bytes
                }
            }
        }
    }

    /// A reader over an embedded message, one level deeper.
    public mutating func readMessage(_ field: FieldTag) throws(ProtoDecodingError) -> ProtoReader {
        try expect(field, .lengthDelimited)
        guard depth < limits.maxDepth else {
            throw ProtoDecodingError(.tooDeep(limit: limits.maxDepth), offset: field.offset, fieldNumber: field.number)
        }
        let range = try readLengthDelimitedRange()
        return subReader(range, depth: depth + 1)
    }
}
