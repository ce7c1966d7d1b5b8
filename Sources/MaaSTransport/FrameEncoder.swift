import MaaSProtocol
import NIOCore

/// Writes each outbound `Envelope` as one frame: a 4-byte big-endian body length, then the body.
///
/// The encoder does not enforce a maximum frame size: the sender decides what to do with a message the peer
/// would refuse (the server, for one, answers the call with an error instead of sending it).
package struct FrameEncoder: MessageToByteEncoder {
    package typealias OutboundIn = Envelope

    package init() {}

    package func encode(data envelope: Envelope, out: inout ByteBuffer) throws {
        let body = envelope.serializedBytes()
        guard let length = UInt32(exactly: body.count) else {
            throw FrameError.unencodableFrame(length: body.count)
        }
        out.reserveCapacity(minimumWritableBytes: Framing.headerSize + body.count)
        out.writeInteger(length, endianness: .big)
        out.writeBytes(body)
    }
}
