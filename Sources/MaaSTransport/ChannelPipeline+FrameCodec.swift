import NIOCore

extension ChannelPipeline.SynchronousOperations {
    /// Adds the frame decoder and encoder, so the handlers after them read and write `Envelope`s.
    package func addFrameCodec(maxFrameSize: Int) throws {
        try addHandler(ByteToMessageHandler(FrameDecoder(maxFrameSize: maxFrameSize)))
        try addHandler(MessageToByteHandler(FrameEncoder()))
    }
}
