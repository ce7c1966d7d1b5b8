/// The sizes of fields as `ProtoWriter` writes them (defaults omitted), for `serializedSize`.
public enum ProtoFieldSize {
    @inlinable
    public static func tag(_ number: Int) -> Int {
        ProtoWriter.varintSize(UInt64(number) << 3)
    }

    @inlinable
    public static func varint(_ number: Int, _ value: UInt64) -> Int {
        value == 0 ? 0 : tag(number) + ProtoWriter.varintSize(value)
    }

    @inlinable
    public static func int64(_ number: Int, _ value: Int64) -> Int {
        varint(number, UInt64(bitPattern: value))
    }

    /// Negative values take 10 bytes, as `ProtoWriter.write(_:int32:)` sign-extends them.
    @inlinable
    public static func int32(_ number: Int, _ value: Int32) -> Int {
        varint(number, UInt64(bitPattern: Int64(value)))
    }

    @inlinable
    public static func float(_ number: Int, _ value: Float) -> Int {
        value.bitPattern == 0 ? 0 : tag(number) + 4
    }

    @inlinable
    public static func string(_ number: Int, _ value: String) -> Int {
        bytes(number, count: value.utf8.count)
    }

    /// A `bytes` field of `count` bytes (omitted when empty).
    @inlinable
    public static func bytes(_ number: Int, count: Int) -> Int {
        count == 0 ? 0 : lengthDelimited(number, count: count)
    }

    /// A length-delimited field written even when empty (a message, a oneof member).
    @inlinable
    public static func lengthDelimited(_ number: Int, count: Int) -> Int {
        tag(number) + ProtoWriter.varintSize(UInt64(count)) + count
    }

    @inlinable
    public static func message<M: ProtoSizedMessage>(_ number: Int, _ message: M?) -> Int {
        message.map { lengthDelimited(number, count: $0.serializedSize) } ?? 0
    }

    @inlinable
    public static func messages<M: ProtoSizedMessage>(_ number: Int, _ values: [M]) -> Int {
        values.reduce(0) { $0 + lengthDelimited(number, count: $1.serializedSize) }
    }

    @inlinable
    public static func packed(_ number: Int, int64 values: [Int64]) -> Int {
        let count = values.reduce(0) { $0 + ProtoWriter.varintSize(UInt64(bitPattern: $1)) }
        return bytes(number, count: count)
    }
}
