import NIOCore
import NIOPosix

#if canImport(Glibc)
import Glibc
#endif

/// Turns NIO's connection errors into the short reason a person needs ("connection refused"), instead of
/// NIO's descriptions that name internal functions and file descriptors.
enum ConnectFailure {
    static func describe(_ error: any Error) -> String {
        switch error {
        case let error as NIOConnectionError:
            if let dns = error.dnsAError ?? error.dnsAAAAError {
                return "cannot resolve host '\(error.host)' (\(dns))"
            }
            if let first = error.connectionErrors.first {
                return describe(first.error)
            }
            return "no address found for '\(error.host)'"
        case let error as IOError:
            return reason(errno: error.errnoCode)
        case ChannelError.connectTimeout(let amount):
            return "timed out after \(amount.nanoseconds / 1_000_000) ms"
        default:
            return "\(error)"
        }
    }

    private static func reason(errno code: Int32) -> String {
        guard let text = strerror(code) else { return "errno \(code)" }
        return String(cString: text).lowercased()
    }
}
