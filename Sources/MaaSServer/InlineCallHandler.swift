import MaaSProtocol
import NIOCore

/// Offers each decoded frame to its connection's inline path (`Connection.serveInline`) before the reader.
final class InlineCallHandler: ChannelInboundHandler {
    typealias InboundIn = Envelope
    typealias InboundOut = Envelope

    /// Set when the connection is made, before the channel's first read.
    var connection: Connection?

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if let connection, connection.serveInline(unwrapInboundIn(data)) { return }
        context.fireChannelRead(data)
    }
}
