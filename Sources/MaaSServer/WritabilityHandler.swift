import NIOCore

/// Passes the channel's writability (and its end) to the connection's `OutboundRoom`; the bytes go by untouched.
final class WritabilityHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer

    let room: OutboundRoom

    init(room: OutboundRoom) {
        self.room = room
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        room.setWritable(context.channel.isWritable)
        context.fireChannelWritabilityChanged()
    }

    func channelInactive(context: ChannelHandlerContext) {
        room.close()
        context.fireChannelInactive()
    }
}
