/// A message that knows how many bytes it encodes to without encoding them. An enclosing message then writes
/// it in place (key, length, fields) instead of encoding it into an array of its own and copying that in,
/// and `serializedBytes()` allocates its array once: what keeps tensor data in a response from being copied
/// once per level of nesting.
public protocol ProtoSizedMessage: ProtoMessage {
    /// Exactly the number of bytes `encode(to:)` writes.
    var serializedSize: Int { get }
}

extension ProtoSizedMessage {
    public func serializedBytes() -> [UInt8] {
        var writer = ProtoWriter(reservingCapacity: serializedSize)
        encode(to: &writer)
        return writer.bytes
    }
}

extension ProtoWriter {
    /// Writes an embedded message in place; always written, since message fields have presence.
    public mutating func writeMessage<M: ProtoSizedMessage>(_ number: Int, _ message: M) {
        let size = message.serializedSize
        writeTag(number, .lengthDelimited)
        writeRawVarint(UInt64(size))
        let start = bytes.count
        message.encode(to: &self)
        // A wrong size would corrupt every byte after it on the wire: never send that.
        precondition(bytes.count - start == size, "\(M.protoMessageName) declared \(size) bytes but wrote \(bytes.count - start)")
    }

    public mutating func write<M: ProtoSizedMessage>(_ number: Int, messages values: [M]) {
        for value in values { writeMessage(number, value) }
    }
}

/// The sizes of fields as `ProtoWriter` writes them (defaults omitted), for `serializedSize`.
public enum ProtoFieldSize {
    public static func tag(_ number: Int) -> Int {
        ProtoWriter.varintSize(UInt64(number) << 3)
    }

    public static func varint(_ number: Int, _ value: UInt64) -> Int {
        value == 0 ? 0 : tag(number) + ProtoWriter.varintSize(value)
    }

    public static func int64(_ number: Int, _ value: Int64) -> Int {
        varint(number, UInt64(bitPattern: value))
    }

    /// Negative values take 10 bytes, as `ProtoWriter.write(_:int32:)` sign-extends them.
    public static func int32(_ number: Int, _ value: Int32) -> Int {
        varint(number, UInt64(bitPattern: Int64(value)))
    }

    public static func float(_ number: Int, _ value: Float) -> Int {
        value.bitPattern == 0 ? 0 : tag(number) + 4
    }

    public static func string(_ number: Int, _ value: String) -> Int {
        bytes(number, count: value.utf8.count)
    }

    /// A `bytes` field of `count` bytes (omitted when empty).
    public static func bytes(_ number: Int, count: Int) -> Int {
        count == 0 ? 0 : lengthDelimited(number, count: count)
    }

    /// A length-delimited field written even when empty (a message, a oneof member).
    public static func lengthDelimited(_ number: Int, count: Int) -> Int {
        tag(number) + ProtoWriter.varintSize(UInt64(count)) + count
    }

    public static func message<M: ProtoSizedMessage>(_ number: Int, _ message: M?) -> Int {
        message.map { lengthDelimited(number, count: $0.serializedSize) } ?? 0
    }

    public static func messages<M: ProtoSizedMessage>(_ number: Int, _ values: [M]) -> Int {
        values.reduce(0) { $0 + lengthDelimited(number, count: $1.serializedSize) }
    }

    public static func packed(_ number: Int, int64 values: [Int64]) -> Int {
        let count = values.reduce(0) { $0 + ProtoWriter.varintSize(UInt64(bitPattern: $1)) }
        return bytes(number, count: count)
    }
}
