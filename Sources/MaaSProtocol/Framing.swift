/// Framing rules: each message, in either direction, is a 4-byte big-endian unsigned length N followed by
/// N bytes holding an `Envelope`. Kept free of NIO so it is testable without a socket.
public enum Framing {
    /// Bytes in a frame's length prefix.
    public static let headerSize = 4
    /// Default largest frame body either side accepts (8 MiB).
    public static let defaultMaxFrameSize = 8 * 1024 * 1024

    /// The body length declared by a 4-byte prefix (big-endian).
    public static func bodyLength<C: Collection>(header: C) -> UInt32 where C.Element == UInt8 {
        precondition(header.count >= headerSize)
        var value: UInt32 = 0
        for byte in header.prefix(headerSize) { value = value << 8 | UInt32(byte) }
        return value
    }

    /// A whole frame (prefix + body) for an envelope.
    public static func frame(_ envelope: Envelope) -> [UInt8] {
        let body = envelope.serializedBytes()
        // Callers cap frames far below this (8 MiB by default); a 4 GiB body is a programming error.
        precondition(body.count <= Int(UInt32.max), "frame body of \(body.count) bytes cannot be framed")
        var out = [UInt8]()
        out.reserveCapacity(headerSize + body.count)
        let length = UInt32(body.count)
        out.append(UInt8(length >> 24))
        out.append(UInt8(truncatingIfNeeded: length >> 16))
        out.append(UInt8(truncatingIfNeeded: length >> 8))
        out.append(UInt8(truncatingIfNeeded: length))
        out.append(contentsOf: body)
        return out
    }
}
