import MaaSProtocol
import NIOCore
import ProtoWire
import Testing

@testable import MaaSTransport

/// A decoded frame's payload, and the tensors and audio inside it, are views of the ByteBuffer storage the
/// frame arrived in (no copy), unless the frame is small next to that storage (one copy); either way the
/// bytes never change under the views and outlive the buffer.
@Suite("FrameBytes")
struct FrameBytesTests {
    static let request = PredictRequest(name: "kws", inputs: [
        NamedTensor(name: "mfcc", tensor: Tensor(shape: [1, 100, 13], floats: (0..<1300).map { Float($0) / 7 })),
    ])

    static func frame(_ request: PredictRequest) -> [UInt8] {
        Framing.frame(Envelope(
            callID: 42, method: Method.predict.rawValue, metadata: ["timeout-ms": "250"],
            payload: request.serializedBytes(), endStream: true))
    }

    /// Where the buffer's readable bytes start, as a number (the pointer itself must not escape).
    static func address(of buffer: ByteBuffer) -> Int {
        buffer.withUnsafeReadableBytes { Int(bitPattern: $0.baseAddress) }
    }

    static func address(of view: BytesView) -> Int {
        view.withUnsafeBytes { Int(bitPattern: $0.baseAddress) }
    }

    @Test("the payload and a tensor's raw_data point into the buffer the frame arrived in")
    func viewsShareTheBuffer() throws {
        var decoder = FrameDecoder()
        var buffer = ByteBuffer(bytes: Self.frame(Self.request))
        let frameStart = Self.address(of: buffer)
        let envelope = try #require(try decoder.decode(buffer: &buffer))
        #expect(buffer.readableBytes == 0)
        #expect(envelope.payload.owner is FrameBytes)
        let body = frameStart + Framing.headerSize
        #expect(Self.address(of: envelope.payload) == body + envelope.payload.range.lowerBound)

        let request = try PredictRequest(serializedBytes: envelope.payload)
        #expect(request == Self.request)
        let rawData = try #require(request.inputs.first?.tensor?.rawData)
        #expect(rawData.count == 1300 * 4)
        #expect(Self.address(of: rawData) == body + rawData.range.lowerBound)
        #expect(envelope.payload.range.contains(rawData.range.lowerBound))
    }

    @Test("writing to the buffer after the frame was decoded, or dropping it, leaves the views' bytes alone")
    func viewsOutliveAndSurviveTheBuffer() throws {
        var decoder = FrameDecoder()
        var buffer = ByteBuffer(bytes: Self.frame(Self.request))
        let envelope = try #require(try decoder.decode(buffer: &buffer))
        #expect(envelope.payload.owner is FrameBytes)
        // What NIO's decoder does with its cumulation buffer: reuse the storage for the next reads.
        buffer.clear()
        buffer.writeRepeatingByte(0xFF, count: buffer.capacity)
        #expect(Array(envelope.payload) == Self.request.serializedBytes())
        buffer = ByteBuffer()
        #expect(try PredictRequest(serializedBytes: envelope.payload) == Self.request)
    }

    @Test("a small frame in a large buffer is copied out, so it does not hold the buffer alive")
    func smallFramesAreCopied() throws {
        var decoder = FrameDecoder()
        let small = PredictRequest(name: "iris", inputs: [NamedTensor(name: "x", tensor: Tensor(shape: [1, 4], floats: [1, 2, 3, 4]))])
        var buffer = ByteBufferAllocator().buffer(capacity: 64 * 1024)
        buffer.writeBytes(Self.frame(small))
        let envelope = try #require(try decoder.decode(buffer: &buffer))
        #expect(envelope.payload.owner == nil)
        #expect(try PredictRequest(serializedBytes: envelope.payload) == small)
    }

    @Test("frames share their storage only when they fill a quarter of it",
          arguments: [(0, 16, false), (1, 4, true), (1, 5, false), (1_000, 4_000, true), (1_000, 4_001, false)])
    func shareRule(length: Int, capacity: Int, shares: Bool) {
        #expect(FrameBytes.shouldShare(length: length, storageCapacity: capacity) == shares)
    }

    @Test("a malformed envelope gives the same error whether its frame is shared or copied", arguments: [false, true])
    func malformedEitherWay(inLargeBuffer: Bool) throws {
        var decoder = FrameDecoder()
        // call_id 1, then method (2) declaring 5 bytes of which 1 follows.
        let body: [UInt8] = [0x08, 0x01, 0x12, 0x05, 0x41]
        var buffer = ByteBufferAllocator().buffer(capacity: inLargeBuffer ? 64 * 1024 : body.count + 4)
        buffer.writeInteger(UInt32(body.count))
        buffer.writeBytes(body)
        #expect(throws: FrameError.malformedEnvelope(ProtoDecodingError(
            .truncated, offset: 3, fieldNumber: 2, path: ["Envelope", "method"]))) {
            _ = try decoder.decode(buffer: &buffer)
        }
    }
}
