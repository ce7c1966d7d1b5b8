import NIOCore
import ProtoWire

/// A frame's body left in the `ByteBuffer` storage it arrived in, so the envelope's payload, and the tensors
/// and audio inside it, are decoded in place instead of being copied out of NIO first.
///
/// The storage is retained through NIO's storage-management hook, which is what keeps the pointer valid
/// after the closure returns. Holding that reference also makes the storage non-unique, so any `ByteBuffer`
/// that later writes to it (the decoder's cumulation buffer, a pooled receive buffer) copies first: the
/// bytes seen here never change.
final class FrameBytes: ProtoReader.ByteOwner, @unchecked Sendable {
    // @unchecked: both properties are set once in init; the memory they describe is never written again.
    let bytes: UnsafeRawBufferPointer
    private let storage: Unmanaged<AnyObject>

    /// - Parameter buffer: the body, usually a `readSlice` of the decoder's buffer.
    init(_ buffer: ByteBuffer) {
        (bytes, storage) = buffer.withUnsafeReadableBytesWithStorageManagement { bytes, storage in
            (bytes, storage.retain())
        }
    }

    deinit {
        storage.release()
    }

    /// Whether a body of `length` bytes should keep its storage (of `storageCapacity` bytes) alive rather than
    /// be copied: only when it fills a good part of it. A small frame that shared, say, a 64 KiB read buffer
    /// would hold far more memory than its size while its call runs, and copying it is cheap anyway; this way
    /// the memory held by frames in flight stays within `storageShareRatio` times their bytes.
    static func shouldShare(length: Int, storageCapacity: Int) -> Bool {
        length > 0 && length * storageShareRatio >= storageCapacity
    }

    static let storageShareRatio = 4
}
