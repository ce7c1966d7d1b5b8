import MaaSProtocol
import NIOCore
import NIOEmbedded
import Testing

@testable import MaaSTransport

@Suite("FrameDecoder")
struct FrameDecoderTests {
    static let sample = Envelope(
        callID: 7, method: Method.predict.rawValue, metadata: ["timeout-ms": "250"],
        payload: Array(0..<200), endStream: true)

    private func makeChannel(maxFrameSize: Int = Framing.defaultMaxFrameSize) throws -> EmbeddedChannel {
        let channel = EmbeddedChannel()
        try channel.pipeline.syncOperations.addFrameCodec(maxFrameSize: maxFrameSize)
        return channel
    }

    @Test("decodes a frame delivered one byte at a time, and only once it is complete")
    func splitByteByByte() throws {
        let channel = try makeChannel()
        let frame = Framing.frame(Self.sample)
        for (index, byte) in frame.enumerated() {
            try channel.writeInbound(ByteBuffer(bytes: [byte]))
            let decoded = try channel.readInbound(as: Envelope.self)
            if index < frame.count - 1 {
                #expect(decoded == nil, "emitted a message after \(index + 1) of \(frame.count) bytes")
            } else {
                #expect(decoded == Self.sample)
            }
        }
        #expect(try channel.finish().isClean)
    }

    @Test("decodes several frames coalesced in one read, including one split across reads")
    func coalesced() throws {
        let channel = try makeChannel()
        let envelopes = (1...3).map { Envelope(callID: UInt64($0), payload: [UInt8](repeating: UInt8($0), count: $0 * 10)) }
        var bytes = envelopes.flatMap(Framing.frame)
        let tail = Framing.frame(Envelope(callID: 4, endStream: true))
        bytes += tail.prefix(3)
        try channel.writeInbound(ByteBuffer(bytes: bytes))
        for expected in envelopes {
            #expect(try channel.readInbound(as: Envelope.self) == expected)
        }
        #expect(try channel.readInbound(as: Envelope.self) == nil)
        try channel.writeInbound(ByteBuffer(bytes: tail.dropFirst(3)))
        #expect(try channel.readInbound(as: Envelope.self) == Envelope(callID: 4, endStream: true))
        #expect(try channel.finish().isClean)
    }

    @Test("leaves the reader index where the frame starts while the frame is incomplete")
    func readerIndexUntouched() throws {
        var decoder = FrameDecoder()
        let frame = Framing.frame(Self.sample)
        for cut in [1, 3, 4, 5, frame.count - 1] {
            var buffer = ByteBuffer(bytes: frame.prefix(cut))
            let before = buffer.readerIndex
            #expect(try decoder.decode(buffer: &buffer) == nil)
            #expect(buffer.readerIndex == before, "moved the reader index with \(cut) bytes buffered")
        }
    }

    @Test("refuses an oversized frame from its length prefix alone, before any body byte arrives")
    func oversizedHeaderWithoutBody() throws {
        let channel = try makeChannel(maxFrameSize: 1024)
        // 4 GiB - 1 announced, nothing sent after it.
        #expect(throws: FrameError.frameTooLarge(length: UInt32.max, limit: 1024)) {
            try channel.writeInbound(ByteBuffer(bytes: [0xFF, 0xFF, 0xFF, 0xFF]))
        }
        _ = try? channel.finish()
    }

    @Test("accepts a body of exactly the maximum frame size and refuses one byte more", arguments: [0, 1])
    func exactMaximum(overBy: Int) throws {
        let frame = Framing.frame(Self.sample)
        let bodySize = frame.count - Framing.headerSize
        let channel = try makeChannel(maxFrameSize: bodySize - overBy)
        if overBy == 0 {
            try channel.writeInbound(ByteBuffer(bytes: frame))
            #expect(try channel.readInbound(as: Envelope.self) == Self.sample)
            #expect(try channel.finish().isClean)
        } else {
            #expect(throws: FrameError.frameTooLarge(length: UInt32(bodySize), limit: bodySize - overBy)) {
                try channel.writeInbound(ByteBuffer(bytes: frame.prefix(Framing.headerSize)))
            }
            _ = try? channel.finish()
        }
    }

    @Test("decodes a zero-length body as an empty envelope")
    func zeroLengthBody() throws {
        let channel = try makeChannel()
        try channel.writeInbound(ByteBuffer(bytes: [0, 0, 0, 0, 0, 0, 0, 0]))
        #expect(try channel.readInbound(as: Envelope.self) == Envelope())
        #expect(try channel.readInbound(as: Envelope.self) == Envelope())
        #expect(try channel.finish().isClean)
    }

    @Test("reports a frame cut short by the end of input", arguments: [1, 3, 4, 10, 31])
    func truncatedAtEndOfInput(cut: Int) throws {
        var decoder = FrameDecoder()
        let frame = Framing.frame(Envelope(callID: 1, payload: [UInt8](repeating: 9, count: 24)))
        var buffer = ByteBuffer(bytes: frame.prefix(cut))
        let expected = FrameError.truncatedFrame(received: cut, expected: cut < Framing.headerSize ? nil : frame.count)
        #expect(throws: expected) {
            _ = try decoder.decodeLast(buffer: &buffer, seenEOF: true)
        }
    }

    @Test("says nothing about leftover bytes when the decoder is removed without end of input")
    func leftoverWithoutEndOfInput() throws {
        var decoder = FrameDecoder()
        var buffer = ByteBuffer(bytes: Framing.frame(Self.sample).prefix(7))
        #expect(try decoder.decodeLast(buffer: &buffer, seenEOF: false) == nil)
    }

    @Test("names the field and byte offset of an undecodable envelope")
    func malformedEnvelope() throws {
        let channel = try makeChannel()
        // Field 2 (method), length-delimited, declares 5 bytes but only 1 follows.
        let body: [UInt8] = [0x08, 0x01, 0x12, 0x05, 0x41]
        let frame: [UInt8] = [0, 0, 0, UInt8(body.count)] + body
        do {
            try channel.writeInbound(ByteBuffer(bytes: frame))
            Issue.record("decoded a malformed envelope")
        } catch let FrameError.malformedEnvelope(error) {
            #expect(error.kind == .truncated)
            #expect(error.fieldNumber == 2)
            #expect("\(FrameError.malformedEnvelope(error))".contains("Envelope.method"))
            #expect("\(FrameError.malformedEnvelope(error))".contains("at byte"))
        }
        _ = try? channel.finish()
    }
}
