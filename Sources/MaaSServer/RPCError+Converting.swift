import Logging
import MaaSEngine
import MaaSProtocol
import MaaSTransport
import NIOPosix
import ProtoWire

extension RPCError {
    /// The one place where whatever a call (or a connection) throws becomes the status that goes on the wire.
    ///
    /// Errors that carry a meaning for the client keep it. Anything else is a bug or an environment failure:
    /// the client gets a generic INTERNAL without internals, and the details go to `logger`, which carries
    /// the call's metadata so the two can be matched.
    init(converting error: any Error, logger: Logger) {
        switch error {
        case let error as RPCError:
            self = error
        case let error as ProtoDecodingError:
            self.init(decoding: error)
        case let error as EngineError:
            if error.kind == .internalError {
                logger.error("engine failed", metadata: ["error": "\(error)"])
            }
            self.init(engine: error)
        case let error as FrameError:
            self.init(frame: error)
        case is CancellationError:
            self.init(.cancelled, "the call was cancelled")
        case is NIOThreadPoolError.ThreadPoolInactive:
            self.init(.unavailable, "the server is shutting down; retry on a new connection")
        default:
            logger.error("call failed with an unexpected error", metadata: ["error": "\(String(reflecting: error))"])
            self.init(.internal, "internal server error")
        }
    }

    /// Model and input problems are the caller's to fix; an engine fault is ours and is logged by the caller.
    init(engine error: EngineError) {
        switch error.kind {
        case .invalidModel: self.init(.invalidArgument, "invalid model: \(error.message)")
        case .unsupportedOperator: self.init(.invalidArgument, "unsupported model: \(error.message)")
        case .invalidInput: self.init(.invalidArgument, "invalid input: \(error.message)")
        case .internalError: self.init(.internal, "internal engine error")
        }
    }

    init(frame error: FrameError) {
        switch error {
        case .frameTooLarge: self.init(.resourceExhausted, error.description)
        case .truncatedFrame, .malformedEnvelope: self.init(.invalidArgument, error.description)
        case .unencodableFrame: self.init(.internal, "internal server error")
        }
    }
}
