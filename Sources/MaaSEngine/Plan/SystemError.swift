import Glibc

/// `errno` as an engine error with the system's message.
package enum SystemError {
    package static func engineError(_ what: String, code: Int32 = errno) -> EngineError {
        EngineError.internalError("\(what): \(String(cString: strerror(code))) (errno \(code))")
    }
}
