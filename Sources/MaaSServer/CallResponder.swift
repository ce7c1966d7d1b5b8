import Logging
import Synchronization

/// Answers one call exactly once: the handler and the deadline race to it, and the loser's answer is discarded.
final class CallResponder: Sendable {
    let callID: UInt64
    /// The method's short name, for the log.
    private let method: String
    private let connection: Connection
    private let answered = Mutex(false)

    init(callID: UInt64, method: String, connection: Connection) {
        self.callID = callID
        self.method = method
        self.connection = connection
    }

    func finish(_ result: Result<[UInt8], any Error>) async {
        let first = answered.withLock { answered in
            defer { answered = true }
            return !answered
        }
        guard first else { return }
        await connection.answer(callID: callID, method: method, result: result)
    }
}
