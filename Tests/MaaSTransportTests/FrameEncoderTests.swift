import MaaSProtocol
import NIOCore
import NIOEmbedded
import Testing

@testable import MaaSTransport

@Suite("FrameEncoder")
struct FrameEncoderTests {
    static let envelopes: [String: Envelope] = [
        "empty": Envelope(),
        "end of stream only": Envelope(callID: 1, endStream: true),
        "70 kB payload with a status": Envelope(
            callID: UInt64.max, payload: [UInt8](repeating: 0xAB, count: 70_000),
            status: Status(code: .notFound, message: "no model 'x'")),
    ]

    @Test("writes a big-endian length prefix then the envelope's bytes", arguments: envelopes.keys.sorted())
    func encodesFrame(name: String) throws {
        let envelope = try #require(Self.envelopes[name])
        let channel = EmbeddedChannel()
        try channel.pipeline.syncOperations.addFrameCodec(maxFrameSize: Framing.defaultMaxFrameSize)
        try channel.writeOutbound(envelope)
        var written = ByteBuffer()
        while var part = try channel.readOutbound(as: ByteBuffer.self) {
            written.writeBuffer(&part)
        }
        let body = envelope.serializedBytes()
        #expect(written.getInteger(at: 0, endianness: .big, as: UInt32.self) == UInt32(body.count))
        #expect(written.getBytes(at: 4, length: written.readableBytes - 4) == body)

        // What the encoder writes, the decoder reads back.
        try channel.writeInbound(written)
        #expect(try channel.readInbound(as: Envelope.self) == envelope)
        #expect(try channel.finish().isClean)
    }
}
