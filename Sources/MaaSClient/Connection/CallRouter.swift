import MaaSProtocol
import MaaSTransport
import NIOCore

/// The last handler of the client pipeline: hands each response envelope to the call it names.
///
/// - A frame for a call id the client is not waiting for (a late answer to a call that already timed out,
///   or a server bug) is dropped; it cannot complete someone else's call.
/// - Call id 0 is the server speaking about the connection itself (e.g. RESOURCE_EXHAUSTED for an oversized
///   frame, sent just before it closes): every pending call fails with that status.
/// - A frame the client cannot split or decode, or one over its size limit, means framing is lost: every
///   pending call fails with INTERNAL naming the problem, and the connection is closed.
/// - Losing the connection fails every pending call with UNAVAILABLE.
final class CallRouter: ChannelInboundHandler, Sendable {
    typealias InboundIn = Envelope

    private let calls: PendingCalls
    private let peer: String

    init(calls: PendingCalls, peer: String) {
        self.calls = calls
        self.peer = peer
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let envelope = unwrapInboundIn(data)
        if envelope.callID == 0 {
            guard let status = envelope.status, status.code != .ok else { return }
            let detail = status.message.isEmpty ? "the server reported a connection error" : status.message
            calls.failAll(RPCError(status.code, detail))
            context.close(promise: nil)
            return
        }
        // Only a call's final frame completes it; a unary answer is a single final frame.
        guard envelope.endStream || envelope.status != nil else { return }
        calls.finish(envelope.callID, with: .success(envelope))
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        calls.failAll(Self.rpcError(for: error, peer: peer))
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        calls.failAll(RPCError(.unavailable, "connection to \(peer) closed"))
        context.fireChannelInactive()
    }

    static func rpcError(for error: any Error, peer: String) -> RPCError {
        switch error {
        case let frameError as FrameError:
            switch frameError {
            case .truncatedFrame:
                return RPCError(.unavailable, "connection to \(peer) closed in the middle of a frame (\(frameError))")
            case .frameTooLarge, .malformedEnvelope, .unencodableFrame:
                return RPCError(.internal, "server \(peer) sent an unreadable frame: \(frameError)")
            }
        case let rpcError as RPCError:
            return rpcError
        default:
            return RPCError(.unavailable, "connection to \(peer) failed: \(error)")
        }
    }
}
