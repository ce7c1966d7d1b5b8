import Foundation
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

    /// The maas.v1 golden messages (bytes from Google's protobuf) kept by MaaSProtocolTests, by case name,
    /// with the message type the manifest gives each.
    static let goldens: [(name: String, message: String, bytes: [UInt8])] = {
        struct Manifest: Decodable {
            struct Entry: Decodable { let name: String; let message: String }
            let cases: [Entry]
        }
        let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("MaaSProtocolTests/Fixtures")
        let manifest = try! JSONDecoder().decode(
            Manifest.self, from: Data(contentsOf: fixtures.appendingPathComponent("manifest.json")))
        return manifest.cases.map { entry in
            let bytes = try! Data(contentsOf: fixtures.appendingPathComponent("golden/\(entry.name).bin"))
            return (entry.name, entry.message, [UInt8](bytes))
        }
    }()

    /// What `FrameEncoder` writes for `envelope`, through a real pipeline.
    static func encoded(_ envelope: Envelope) throws -> [UInt8] {
        let channel = EmbeddedChannel()
        try channel.pipeline.syncOperations.addFrameCodec(maxFrameSize: Framing.defaultMaxFrameSize)
        try channel.writeOutbound(envelope)
        var written: [UInt8] = []
        while let part = try channel.readOutbound(as: ByteBuffer.self) {
            written += part.readableBytesView
        }
        #expect(try channel.finish().isClean)
        return written
    }

    @Test("an envelope golden goes out as its length and exactly Google's bytes",
          arguments: goldens.filter { $0.message == "maas.v1.Envelope" }.map(\.name))
    func envelopeGoldens(name: String) throws {
        let golden = try #require(Self.goldens.first { $0.name == name }).bytes
        let envelope = try Envelope(serializedBytes: golden)
        let length = UInt32(golden.count)
        #expect(try Self.encoded(envelope) == withUnsafeBytes(of: length.bigEndian, Array.init) + golden)
    }

    @Test("every golden message as a payload is framed as the envelope's serializedBytes()",
          arguments: goldens.map(\.name))
    func payloadGoldens(name: String) throws {
        let golden = try #require(Self.goldens.first { $0.name == name }).bytes
        let envelope = Envelope(
            callID: 1 << 35, method: Method.predict.rawValue, metadata: ["timeout-ms": "250", "k": ""],
            payload: golden, status: Status(code: .ok, message: ""), endStream: true)
        #expect(try Self.encoded(envelope) == Framing.frame(envelope))
    }

    /// Payload lengths where the length varint (and the frame prefix's bytes) change size, and hostile bytes:
    /// the encoder copies the payload as it is.
    @Test("payload lengths at varint boundaries frame as serializedBytes()",
          arguments: [1, 127, 128, 255, 256, 16_383, 16_384, 2_097_151, 2_097_152])
    func varintBoundaries(length: Int) throws {
        var payload = [UInt8](repeating: 0xA5, count: length)
        payload[0] = 0x01
        payload[length - 1] = 0xFE
        for envelope in [Envelope(callID: 3, payload: payload), Envelope(callID: 0, payload: payload, status: .ok, endStream: true)] {
            #expect(try Self.encoded(envelope) == Framing.frame(envelope))
        }
    }

    @Test("a payload decoded in place from an incoming frame is framed again unchanged")
    func reframesADecodedFrame() throws {
        let original = Envelope(callID: 5, method: Method.listVersions.rawValue, payload: Array(repeating: 0x5A, count: 3000))
        let frame = Framing.frame(original)
        var decoder = FrameDecoder()
        var buffer = ByteBuffer(bytes: frame)
        let decoded = try #require(try decoder.decode(buffer: &buffer))
        #expect(decoded.payload.owner is FrameBytes)
        #expect(try Self.encoded(decoded) == frame)
    }
}
