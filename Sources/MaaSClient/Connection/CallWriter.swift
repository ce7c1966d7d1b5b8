import MaaSProtocol
import NIOCore
import ProtoWire

/// Sends the request frames of one call: the first carries the method and metadata, the last `end_stream`.
///
/// Each write waits until NIO has handed the frame to the socket, so a long upload holds one chunk in memory
/// at a time and advances at the speed the server reads. Before each frame the writer checks whether the
/// call already has an outcome (the server refused it early, its deadline passed, it was cancelled) and
/// stops sending if so.
struct CallWriter {
    let callID: UInt64
    let method: String
    let metadata: [String: String]
    let channel: any Channel
    let calls: PendingCalls
    let maxFrameSize: Int
    let peer: String
    private(set) var framesSent = 0

    init(
        callID: UInt64, method: String, metadata: [String: String], channel: any Channel, calls: PendingCalls,
        maxFrameSize: Int, peer: String
    ) {
        self.callID = callID
        self.method = method
        self.metadata = metadata
        self.channel = channel
        self.calls = calls
        self.maxFrameSize = maxFrameSize
        self.peer = peer
    }

    /// Why sending stopped early without an error of the writer's own: the call's outcome is already known.
    struct CallAlreadyFinished: Error {}

    /// Sends one frame. Throws `CallAlreadyFinished` when the call has an outcome, or the RPCError of a
    /// frame that is too large or a write that failed.
    mutating func send(_ payload: [UInt8], endStream: Bool) async throws -> Void {
        if calls.isFinished(callID) { throw CallAlreadyFinished() }
        let first = framesSent == 0
        let envelope = Envelope(
            callID: callID, method: first ? method : "", metadata: first ? metadata : [:], payload: payload,
            endStream: endStream)
        let size = envelope.encodedSize
        guard size <= maxFrameSize else {
            throw RPCError(
                .resourceExhausted,
                "request frame of \(size) bytes exceeds the frame size limit of \(maxFrameSize) bytes")
        }
        do {
            try await channel.writeAndFlush(envelope).get()
        } catch {
            throw calls.closedWith ?? RPCError(.unavailable, "cannot send to \(peer): \(ConnectFailure.describe(error))")
        }
        framesSent += 1
    }
}

extension Envelope {
    /// The serialized size, computed without copying the payload: the envelope without it, plus the
    /// payload field's tag, length varint and bytes (an empty payload is not written at all, as in proto3).
    var encodedSize: Int {
        var header = self
        header.payload = []
        let base = header.serializedBytes().count
        guard !payload.isEmpty else { return base }
        return base + 1 + ProtoWriter.varintSize(UInt64(payload.count)) + payload.count
    }
}
