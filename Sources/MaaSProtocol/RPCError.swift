import ProtoWire

/// The one error type of a call: a status code and a message a person can act on.
///
/// Everything a handler throws becomes an `RPCError` in one place in the server; errors that are not
/// `RPCError`s go out as INTERNAL without their details (which go to the log instead).
public struct RPCError: Error, Sendable, Equatable, CustomStringConvertible {
    public var code: StatusCode
    public var message: String

    public init(_ code: StatusCode, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code.name): \(message)" }

    public var status: Status { Status(code: code, message: message) }
}

extension RPCError {
    /// An undecodable payload: INVALID_ARGUMENT naming the message, field path and byte offset.
    public init(decoding error: ProtoDecodingError) {
        self.init(.invalidArgument, "malformed request: \(error)")
    }
}
