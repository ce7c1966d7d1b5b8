import Synchronization

/// Upload bytes one connection holds for handlers that have not taken them yet.
///
/// The connection's reader waits for room before handing an upload frame over, so a client that sends
/// faster than the server writes to disk is held back by TCP instead of growing the server's memory.
/// There is a single waiter: the connection's read loop.
final class UploadBudget: Sendable {
    private struct State {
        var buffered = 0
        var waiter: CheckedContinuation<Void, Never>?
    }

    let limit: Int
    private let state = Mutex(State())

    init(limit: Int) {
        self.limit = limit
    }

    var bufferedBytes: Int { state.withLock { $0.buffered } }

    /// Returns once fewer than `limit` bytes are buffered (or the task is cancelled).
    func waitForRoom() async {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let resumeNow = state.withLock { state in
                    if state.buffered < limit || Task.isCancelled { return true }
                    precondition(state.waiter == nil, "UploadBudget has one waiter, the connection's reader")
                    state.waiter = continuation
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            state.withLock { state in
                defer { state.waiter = nil }
                return state.waiter
            }?.resume()
        }
    }

    func add(_ bytes: Int) {
        state.withLock { $0.buffered += bytes }
    }

    func release(_ bytes: Int) {
        guard bytes > 0 else { return }
        state.withLock { state -> CheckedContinuation<Void, Never>? in
            state.buffered -= bytes
            guard state.buffered < limit else { return nil }
            defer { state.waiter = nil }
            return state.waiter
        }?.resume()
    }
}
