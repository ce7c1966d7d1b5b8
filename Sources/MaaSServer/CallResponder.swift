import Logging
import Synchronization

/// Answers one call exactly once: the handler and the deadline race to it, and the loser's answer is discarded.
final class CallResponder: Sendable {
    let callID: UInt64
    private let connection: Connection
    private let logger: Logger
    private let answered = Mutex(false)

    init(callID: UInt64, connection: Connection, logger: Logger) {
        self.callID = callID
        self.connection = connection
        self.logger = logger
    }

    func finish(_ result: Result<[UInt8], any Error>) async {
        let first = answered.withLock { answered in
            defer { answered = true }
            return !answered
        }
        guard first else { return }
        await connection.answer(callID: callID, result: result, logger: logger)
    }
}
