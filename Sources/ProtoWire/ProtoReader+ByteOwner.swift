extension ProtoReader {
    /// Bytes that live outside a Swift array — a read-only file mapping, a frame left in the network buffer it
    /// arrived in — which a reader decodes in place, so a large message (an ONNX model with its weights, a
    /// request's tensors) is never copied as a whole.
    ///
    /// A conformer promises that `bytes` stays valid and unchanged for as long as the object lives; readers
    /// and `BytesView`s keep it alive. A reader never reads outside `bytes`, whatever lengths the input
    /// declares; what it cannot guard against is the memory itself going away, such as a mapped file shrinking
    /// under the mapping (SIGBUS), so only map files nobody truncates.
    public protocol ByteOwner: AnyObject, Sendable {
        var bytes: UnsafeRawBufferPointer { get }
    }
}
