/// A message that knows how many bytes it encodes to without encoding them. An enclosing message then writes
/// it in place (key, length, fields) instead of encoding it into an array of its own and copying that in,
/// and `serializedBytes()` allocates its array once: what keeps tensor data in a response from being copied
/// once per level of nesting.
public protocol ProtoSizedMessage: ProtoMessage {
    /// Exactly the number of bytes `encode(to:)` writes.
    var serializedSize: Int { get }
}

extension ProtoSizedMessage {
    @inlinable
    public func serializedBytes() -> [UInt8] {
        var writer = ProtoWriter(reservingCapacity: serializedSize)
        encode(to: &writer)
        return writer.bytes
    }
}

extension ProtoWriter {
    /// Writes an embedded message in place; always written, since message fields have presence.
    @inlinable
    public mutating func writeMessage<M: ProtoSizedMessage>(_ number: Int, _ message: M) {
        let size = message.serializedSize
        writeTag(number, .lengthDelimited)
        writeRawVarint(UInt64(size))
        let start = bytes.count
        message.encode(to: &self)
        // A wrong size would corrupt every byte after it on the wire: never send that.
        precondition(bytes.count - start == size, "\(M.protoMessageName) declared \(size) bytes but wrote \(bytes.count - start)")
    }

    @inlinable
    public mutating func write<M: ProtoSizedMessage>(_ number: Int, messages values: [M]) {
        for value in values { writeMessage(number, value) }
    }
}
