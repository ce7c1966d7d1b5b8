import MaaSProtocol
import MaaSTransport
import NIOCore
import NIOPosix
import ProtoWire

/// A bare client over a real socket: sends exactly the bytes a test asks for and reads frames back,
/// so tests can be hostile (oversized prefixes, truncated frames) as well as well-behaved.
struct FrameClient {
    private var inbound: NIOAsyncChannelInboundStream<ByteBuffer>.AsyncIterator
    private let outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>
    private var received = ByteBuffer()
    private var decoder = FrameDecoder(maxFrameSize: 64 << 20)

    /// - Parameter receiveBuffer: SO_RCVBUF in bytes (fixed, so the kernel does not grow it), for tests of
    ///   what the server does when a client reads slowly; nil leaves the system's.
    static func connect<Result>(
        port: Int, receiveBuffer: Int? = nil, _ body: (inout FrameClient) async throws -> Result
    ) async throws -> Result {
        var bootstrap = ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelOption(.allowRemoteHalfClosure, value: true)
        if let receiveBuffer {
            bootstrap = bootstrap.channelOption(.socketOption(.so_rcvbuf), value: SocketOptionValue(receiveBuffer))
        }
        let channel = try await bootstrap
            .connect(host: "127.0.0.1", port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try NIOAsyncChannel<ByteBuffer, ByteBuffer>(
                        wrappingChannelSynchronously: channel,
                        configuration: .init(isOutboundHalfClosureEnabled: true))
                }
            }
        return try await channel.executeThenClose { inbound, outbound in
            var client = FrameClient(inbound: inbound.makeAsyncIterator(), outbound: outbound)
            return try await body(&client)
        }
    }

    private init(inbound: NIOAsyncChannelInboundStream<ByteBuffer>.AsyncIterator, outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>) {
        self.inbound = inbound
        self.outbound = outbound
    }

    func send(_ envelope: Envelope) async throws {
        try await outbound.write(ByteBuffer(bytes: Framing.frame(envelope)))
    }

    func send(bytes: [UInt8]) async throws {
        try await outbound.write(ByteBuffer(bytes: bytes))
    }

    /// Shuts the sending side (TCP FIN); the server may still answer.
    func finishSending() {
        outbound.finish()
    }

    /// The next frame from the server; nil once the server has closed the connection.
    mutating func next() async throws -> Envelope? {
        while true {
            if let envelope = try decoder.decode(buffer: &received) { return envelope }
            let more: ByteBuffer?
            do {
                more = try await inbound.next()
            } catch let error as IOError where error.errnoCode == ECONNRESET {
                more = nil
            }
            guard var more else {
                if received.readableBytes > 0 { throw ServerClosedInsideFrame(bytes: received.readableBytes) }
                return nil
            }
            received.writeBuffer(&more)
        }
    }

    /// Frames until the server closes the connection.
    mutating func readUntilClosed() async throws -> [Envelope] {
        var frames: [Envelope] = []
        while let frame = try await next() { frames.append(frame) }
        return frames
    }

    /// Sends a one-frame call and returns its final frame (the next frame the server sends).
    mutating func unary(
        _ callID: UInt64, _ method: String, payload: [UInt8], metadata: [String: String] = [:]
    ) async throws -> Envelope? {
        try await send(Envelope(callID: callID, method: method, metadata: metadata, payload: payload, endStream: true))
        return try await next()
    }

    mutating func unary<Request: ProtoMessage>(
        _ callID: UInt64, _ method: Method, _ request: Request, metadata: [String: String] = [:]
    ) async throws -> Envelope? {
        try await unary(callID, method.rawValue, payload: request.serializedBytes(), metadata: metadata)
    }

    /// Sends a RegisterModel call: the header frame, then `bytes` in chunks, the last with end_stream.
    func sendRegistration(_ callID: UInt64, header: ModelHeader, bytes: [UInt8], chunkSize: Int = 256) async throws {
        try await send(Envelope(
            callID: callID, method: Method.registerModel.rawValue,
            payload: RegisterModelRequest(.header(header)).serializedBytes()))
        var offset = 0
        repeat {
            let end = min(offset + chunkSize, bytes.count)
            try await send(Envelope(
                callID: callID, payload: RegisterModelRequest(.chunk(Array(bytes[offset..<end]))).serializedBytes(),
                endStream: end == bytes.count))
            offset = end
        } while offset < bytes.count
    }
}

struct ServerClosedInsideFrame: Error {
    let bytes: Int
}

extension Envelope {
    /// The response message of an OK final frame.
    func response<Response: ProtoMessage>(_ type: Response.Type) throws -> Response {
        try Response(serializedBytes: payload)
    }

    var statusCode: StatusCode? { status?.code }
}
