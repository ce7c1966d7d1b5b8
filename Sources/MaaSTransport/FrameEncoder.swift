import MaaSProtocol
import NIOCore
import ProtoWire

/// Writes each outbound `Envelope` as one frame: a 4-byte big-endian body length, then the body.
///
/// The body goes straight into the outgoing buffer: the few bytes before and after the payload are encoded
/// first (which gives the length), then the payload is copied once, in place between them. The bytes are the
/// same as `Framing.frame(envelope)`.
///
/// The encoder does not enforce a maximum frame size: the sender decides what to do with a message the peer
/// would refuse (the server, for one, answers the call with an error instead of sending it).
package struct FrameEncoder: MessageToByteEncoder {
    package typealias OutboundIn = Envelope

    package init() {}

    package func encode(data envelope: Envelope, out: inout ByteBuffer) throws {
        var fields = ProtoWriter(reservingCapacity: 32)
        envelope.encodeHead(to: &fields)
        let headSize = fields.bytes.count
        envelope.encodeTail(to: &fields)
        let bodySize = fields.bytes.count + envelope.payload.count
        guard let length = UInt32(exactly: bodySize) else {
            throw FrameError.unencodableFrame(length: bodySize)
        }
        out.reserveCapacity(minimumWritableBytes: Framing.headerSize + bodySize)
        out.writeInteger(length, endianness: .big)
        fields.bytes.withUnsafeBytes { encoded in
            out.writeBytes(UnsafeRawBufferPointer(rebasing: encoded[..<headSize]))
            _ = envelope.payload.withUnsafeBytes { out.writeBytes($0) }
            out.writeBytes(UnsafeRawBufferPointer(rebasing: encoded[headSize...]))
        }
    }
}
