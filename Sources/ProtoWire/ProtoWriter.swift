/// Appends protobuf binary encoding to a byte buffer, byte-identical to Google's serializers:
/// fields in the order the message writes them (by field number), minimal varints, proto3 defaults
/// (0, false, "", empty) omitted by the `write(_:…:)` helpers, packed repeated scalars, map entries
/// sorted by key bytes (Google's C++ deterministic serialization).
///
/// Fields with presence (oneof members, message fields) must be written even when they hold a default:
/// use `writeTag` with the raw writers, `writeLengthDelimited` or `writeMessage` for those.
public struct ProtoWriter: Sendable {
    public private(set) var bytes: [UInt8]

    public init(reservingCapacity capacity: Int = 0) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    // MARK: Raw

    @inline(__always)
    public mutating func writeRawVarint(_ value: UInt64) {
        var v = value
        while v >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: v) | 0x80)
            v >>= 7
        }
        bytes.append(UInt8(v))
    }

    public mutating func writeRawFixed32(_ value: UInt32) {
        for i in 0..<4 { bytes.append(UInt8(truncatingIfNeeded: value >> (8 * UInt32(i)))) }
    }

    public mutating func writeRawFixed64(_ value: UInt64) {
        for i in 0..<8 { bytes.append(UInt8(truncatingIfNeeded: value >> (8 * UInt64(i)))) }
    }

    /// Contiguous bytes (arrays, slices, `BytesView`s, a string's UTF-8) are appended with one copy, never byte
    /// by byte. Inlinable, with the two below, so that a caller in another module gets them specialized for its
    /// collection: unspecialized, they reached the bytes through the protocol witness and an `Optional` metadata
    /// look-up (about 1,000 instructions per tensor written, Benchmarks/profile/callgrind.sh).
    @inlinable
    public mutating func writeRawBytes<C: Collection>(_ data: C) where C.Element == UInt8 {
        let appended: Void? = data.withContiguousStorageIfAvailable { appendBytes($0) }
        if appended == nil { appendBytes(data) }
    }

    @usableFromInline
    mutating func appendBytes(_ buffer: UnsafeBufferPointer<UInt8>) {
        bytes.append(contentsOf: buffer)
    }

    @usableFromInline
    mutating func appendBytes<S: Sequence>(_ data: S) where S.Element == UInt8 {
        bytes.append(contentsOf: data)
    }

    public mutating func writeTag(_ number: Int, _ wireType: WireType) {
        writeRawVarint(UInt64(number) << 3 | UInt64(wireType.rawValue))
    }

    /// Number of bytes `value` takes as a varint.
    public static func varintSize(_ value: UInt64) -> Int {
        var v = value
        var n = 1
        while v >= 0x80 { v >>= 7; n += 1 }
        return n
    }

    // MARK: Singular proto3 fields (default values are not written)

    public mutating func write(_ number: Int, uint64 value: UInt64) {
        guard value != 0 else { return }
        writeTag(number, .varint)
        writeRawVarint(value)
    }

    public mutating func write(_ number: Int, int64 value: Int64) {
        write(number, uint64: UInt64(bitPattern: value))
    }

    /// Negative int32 values are sign-extended to 64 bits (10 bytes), as the spec requires.
    public mutating func write(_ number: Int, int32 value: Int32) {
        write(number, uint64: UInt64(bitPattern: Int64(value)))
    }

    public mutating func write(_ number: Int, uint32 value: UInt32) {
        write(number, uint64: UInt64(value))
    }

    public mutating func write(_ number: Int, sint32 value: Int32) {
        write(number, uint64: UInt64(ZigZag.encode(value)))
    }

    public mutating func write(_ number: Int, sint64 value: Int64) {
        write(number, uint64: ZigZag.encode(value))
    }

    public mutating func write(_ number: Int, bool value: Bool) {
        write(number, uint64: value ? 1 : 0)
    }

    public mutating func write(_ number: Int, enum value: Int32) {
        write(number, int32: value)
    }

    public mutating func write(_ number: Int, fixed32 value: UInt32) {
        guard value != 0 else { return }
        writeTag(number, .fixed32)
        writeRawFixed32(value)
    }

    public mutating func write(_ number: Int, fixed64 value: UInt64) {
        guard value != 0 else { return }
        writeTag(number, .fixed64)
        writeRawFixed64(value)
    }

    public mutating func write(_ number: Int, sfixed32 value: Int32) {
        write(number, fixed32: UInt32(bitPattern: value))
    }

    public mutating func write(_ number: Int, sfixed64 value: Int64) {
        write(number, fixed64: UInt64(bitPattern: value))
    }

    /// proto3 omits a float only when its bits are +0.0 (so -0.0 is written, and NaN), as Google does.
    public mutating func write(_ number: Int, float value: Float) {
        write(number, fixed32: value.bitPattern)
    }

    public mutating func write(_ number: Int, double value: Double) {
        write(number, fixed64: value.bitPattern)
    }

    public mutating func write(_ number: Int, string value: String) {
        guard !value.isEmpty else { return }
        // A native string's UTF-8 is contiguous: copied straight into the output, no array in between.
        writeLengthDelimited(number, value.utf8)
    }

    @inlinable
    public mutating func write<C: Collection>(_ number: Int, bytes value: C) where C.Element == UInt8 {
        guard !value.isEmpty else { return }
        writeLengthDelimited(number, value)
    }

    /// Writes a length-delimited field even when empty (oneof members and message fields have presence).
    @inlinable
    public mutating func writeLengthDelimited<C: Collection>(_ number: Int, _ value: C) where C.Element == UInt8 {
        writeTag(number, .lengthDelimited)
        writeRawVarint(UInt64(value.count))
        writeRawBytes(value)
    }

    // MARK: Fields with presence (oneof members, optional values): written even when zero

    /// An int64 (or sign-extended int32) varint field, written even when 0.
    public mutating func writePresent(_ number: Int, int64 value: Int64) {
        writeTag(number, .varint)
        writeRawVarint(UInt64(bitPattern: value))
    }

    /// A bool field, written even when false.
    public mutating func writePresent(_ number: Int, bool value: Bool) {
        writeTag(number, .varint)
        writeRawVarint(value ? 1 : 0)
    }

    /// A double field, written even when 0.
    public mutating func writePresent(_ number: Int, double value: Double) {
        writeTag(number, .fixed64)
        writeRawFixed64(value.bitPattern)
    }

    /// Writes an embedded message; always written, since message fields have presence.
    public mutating func writeMessage<M: ProtoMessage>(_ number: Int, _ message: M) {
        writeLengthDelimited(number, message.serializedBytes())
    }
}
