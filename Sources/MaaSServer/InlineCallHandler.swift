import MaaSProtocol
import NIOCore

/// Offers each decoded frame to its connection's inline path (`Connection.serveInline`) before the reader.
///
/// A Predict the loop may compute itself (`LoopCompute`) is held until the end of the read it came in: if it
/// came alone it is computed then, and if more frames came with it, it goes to the workers like the rest, so
/// requests sent together may still share a batch and no loop computes them one after the other.
final class InlineCallHandler: ChannelInboundHandler {
    typealias InboundIn = Envelope
    typealias InboundOut = Envelope

    /// Set when the connection is made, before the channel's first read.
    var connection: Connection?
    private var held: (ready: ReadyPredict, estimate: Duration)?
    private var framesThisRead = 0

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        framesThisRead += 1
        startHeld()
        guard let connection else { return context.fireChannelRead(data) }
        switch connection.serveInline(unwrapInboundIn(data)) {
        case .leftToReader:
            context.fireChannelRead(data)
        case .started:
            break
        case .computable(let ready, let estimate):
            if framesThisRead == 1 { held = (ready, estimate) } else { connection.start(ready) }
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        framesThisRead = 0
        if let (ready, estimate) = held {
            held = nil
            connection?.compute(ready, estimate: estimate)
        }
        context.fireChannelReadComplete()
    }

    // A frame decoded as the input ends comes without a read completing: it goes to the workers.

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        startHeld()
        context.fireUserInboundEventTriggered(event)
    }

    func channelInactive(context: ChannelHandlerContext) {
        startHeld()
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        startHeld()
    }

    private func startHeld() {
        guard let (ready, _) = held else { return }
        held = nil
        connection?.start(ready)
    }
}
