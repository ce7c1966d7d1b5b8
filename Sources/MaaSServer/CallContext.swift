import Logging
import MaaSProtocol
import NIOCore

/// What a handler knows about the call it serves.
struct CallContext: Sendable {
    let id: UInt64
    let method: Method
    let metadata: [String: String]
    /// When the call must be answered by; nil = no deadline.
    let deadline: ContinuousClock.Instant?
    /// The connection's logger (its peer); `logger` adds the call's id and method.
    let connectionLogger: Logger

    /// Carries `call.id` and `rpc.method`; handlers add `model.name` once they know it. Made when asked for:
    /// a stream log handler renders its metadata on every change, which a call that logs nothing should not pay.
    var logger: Logger { Self.callLogger(connectionLogger, id: id, method: method.shortName) }

    /// The level the call's logs go out at, without making its logger.
    var logLevel: Logger.Level { connectionLogger.logLevel }

    /// `base` with a call's id and method in its metadata (one update: the handler re-renders on each).
    static func callLogger(_ base: Logger, id: UInt64, method: String) -> Logger {
        var logger = base
        logger.handler.metadata.merge(["call.id": .stringConvertible(id), "rpc.method": .string(method)]) { _, new in new }
        return logger
    }

    /// Reads the call's deadline from its first frame: `timeout-ms` metadata, capped by the server default.
    static func deadline(
        metadata: [String: String], defaultTimeout: Duration?, now: ContinuousClock.Instant
    ) throws(RPCError) -> ContinuousClock.Instant? {
        var timeout = defaultTimeout
        if let text = metadata[MetadataKey.timeoutMs] {
            // Digits only: "+5", " 5" or "5.0" are client bugs worth reporting rather than guessing at.
            guard !text.isEmpty, text.utf8.count <= 18, text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
                let milliseconds = Int64(text)
            else {
                throw RPCError(
                    .invalidArgument,
                    "metadata '\(MetadataKey.timeoutMs)' is '\(text)'; expected a whole number of milliseconds")
            }
            let requested = Duration.milliseconds(milliseconds)
            timeout = min(requested, defaultTimeout ?? requested)
        }
        return timeout.map { now.advanced(by: $0) }
    }
}
