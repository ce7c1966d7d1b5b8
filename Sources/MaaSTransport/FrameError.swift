import MaaSProtocol
import ProtoWire

/// Why a byte stream could not be split into frames. Each one ends the connection: once framing is lost,
/// no later byte can be attributed to a call.
package enum FrameError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A length prefix announced more than the receiver accepts; raised before any of the body arrives.
    case frameTooLarge(length: UInt32, limit: Int)
    /// The peer's input ended inside a frame: `received` of the `expected` bytes (prefix included) arrived.
    case truncatedFrame(received: Int, expected: Int?)
    /// The body is not a valid `Envelope`, so it cannot even be tied to a call.
    case malformedEnvelope(ProtoDecodingError)
    /// An outbound envelope that does not fit the 32-bit length prefix.
    case unencodableFrame(length: Int)

    package var description: String {
        switch self {
        case .frameTooLarge(let length, let limit):
            "frame of \(length) bytes exceeds the maximum frame size of \(limit) bytes"
        case .truncatedFrame(let received, let expected?):
            "connection input ended inside a frame: \(received) of \(expected) bytes arrived"
        case .truncatedFrame(let received, nil):
            "connection input ended inside a frame's length prefix: \(received) of \(Framing.headerSize) bytes arrived"
        case .malformedEnvelope(let error):
            "malformed envelope: \(error)"
        case .unencodableFrame(let length):
            "envelope of \(length) bytes does not fit a frame's 32-bit length prefix"
        }
    }
}
