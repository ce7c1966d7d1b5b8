import MaaSProtocol
import NIOCore
import ProtoWire

/// Splits a byte stream into frames (4-byte big-endian length, then that many bytes) and decodes each body
/// as an `Envelope`.
///
/// The length is checked against `maxFrameSize` as soon as the 4-byte prefix is readable, so a peer that
/// announces 4 GiB and sends nothing is refused at once instead of leaving the connection waiting (and
/// nothing is buffered towards an allocation it asked for). While a frame is incomplete the reader index
/// stays where the frame starts: a decode either consumes a whole frame or nothing.
package struct FrameDecoder: NIOSingleStepByteToMessageDecoder {
    package typealias InboundOut = Envelope

    package let maxFrameSize: Int

    /// - Parameter maxFrameSize: largest body accepted, in bytes; clamped to what a 32-bit prefix can state.
    package init(maxFrameSize: Int = Framing.defaultMaxFrameSize) {
        precondition(maxFrameSize >= 0, "maxFrameSize must not be negative")
        self.maxFrameSize = min(maxFrameSize, Int(UInt32.max))
    }

    package mutating func decode(buffer: inout ByteBuffer) throws -> Envelope? {
        guard let length = buffer.getInteger(at: buffer.readerIndex, endianness: .big, as: UInt32.self) else {
            return nil
        }
        guard Int(length) <= maxFrameSize else {
            throw FrameError.frameTooLarge(length: length, limit: maxFrameSize)
        }
        let frameEnd = Framing.headerSize + Int(length)
        guard buffer.readableBytes >= frameEnd else {
            return nil
        }
        buffer.moveReaderIndex(forwardBy: Framing.headerSize)
        // Safe: readableBytes was checked above to hold the whole body.
        let body = buffer.readSlice(length: Int(length))!
        // The payload (and the tensors or audio in it) will be views of `view`: no copy when the body is left
        // in NIO's storage, one copy into an array when it is small next to that storage.
        let view = if FrameBytes.shouldShare(length: body.readableBytes, storageCapacity: body.storageCapacity) {
            BytesView(owner: FrameBytes(body))
        } else {
            BytesView(Array(body.readableBytesView))
        }
        do {
            return try Envelope(serializedBytes: view, limits: ProtoLimits(maxLength: maxFrameSize))
        } catch {
            throw FrameError.malformedEnvelope(error)
        }
    }

    package mutating func decodeLast(buffer: inout ByteBuffer, seenEOF: Bool) throws -> Envelope? {
        if let envelope = try decode(buffer: &buffer) {
            return envelope
        }
        // Bytes left over at end of input are a frame the peer never finished; say so rather than drop them.
        guard seenEOF, buffer.readableBytes > 0 else {
            return nil
        }
        let expected = buffer.getInteger(at: buffer.readerIndex, endianness: .big, as: UInt32.self)
            .map { Framing.headerSize + Int($0) }
        let received = buffer.readableBytes
        buffer.moveReaderIndex(forwardBy: received)
        throw FrameError.truncatedFrame(received: received, expected: expected)
    }
}
