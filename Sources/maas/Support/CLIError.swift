import ArgumentParser
import MaaSClient
import MaaSProtocol

/// A failure as the user sees it: one line on stderr, an optional hint, and an exit code.
struct CLIError: Error {
    var message: String
    var hint: String?
    var exit: ExitStatus

    init(_ message: String, hint: String? = nil, exit: ExitStatus) {
        self.message = message
        self.hint = hint
        self.exit = exit
    }

    /// A call's failure: `STATUS_NAME: message`, with a hint for the statuses a person can act on.
    init(_ error: RPCError, hint: String? = nil, target: String) {
        self.message = "\(error.code.name): \(error.message)"
        self.exit = ExitStatus(error.code)
        self.hint = hint ?? Self.defaultHint(for: error.code, target: target)
    }

    init(_ error: NumpyError, input: String) {
        self.init("input '\(input)': \(error)", exit: .badInputFile)
    }

    private static func defaultHint(for code: StatusCode, target: String) -> String? {
        switch code {
        case .unavailable: "is a server running at \(target)? start one with `maas serve`, or pass --host/--port"
        case .deadlineExceeded: "the server did not answer in time; raise --timeout"
        case .resourceExhausted: "the server is busy or the request is over its limits; retry later or send less"
        default: nil
        }
    }
}

extension CLIError {
    /// Runs a command body and turns any failure into the one-line report and its exit code.
    static func reporting(_ body: () async throws -> Void) async throws {
        do {
            try await body()
        } catch let error as CLIError {
            Terminal.standardError.write("error: \(error.message)\n")
            if let hint = error.hint { Terminal.standardError.write("hint: \(hint)\n") }
            throw ExitCode(error.exit.rawValue)
        } catch let error as RPCError {
            // A command that did not add context of its own.
            Terminal.standardError.write("error: \(error.code.name): \(error.message)\n")
            throw ExitCode(ExitStatus(error.code).rawValue)
        }
    }
}
