import Synchronization

/// Whether a connection's socket can take more answers, for its reader to wait on.
///
/// A client that sends calls but does not read their answers would otherwise make the server hold every
/// answer in memory: the reader waits here before starting another call while NIO's outbound buffer is past its
/// high watermark, so TCP pushes back on the client instead. What stays queued is bounded by the calls already
/// in flight (`maxCallsPerConnection`) and the socket buffers.
final class OutboundRoom: Sendable {
    private struct State {
        var writable = true
        var closed = false
        var waiters: [CheckedContinuation<Void, Never>] = []
    }

    private let state = Mutex(State())

    /// Returns at once while the socket is writable (or closed: nothing will be written again); otherwise
    /// when it becomes so.
    func waitForRoom() async {
        if state.withLock({ $0.writable || $0.closed }) { return }
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let now = state.withLock { state -> Bool in
                if state.writable || state.closed { return true }
                state.waiters.append(continuation)
                return false
            }
            if now { continuation.resume() }
        }
    }

    /// From the channel's writability changes.
    func setWritable(_ writable: Bool) {
        let waiters = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.writable = writable
            guard writable else { return [] }
            defer { state.waiters = [] }
            return state.waiters
        }
        for waiter in waiters { waiter.resume() }
    }

    /// The channel went away: nobody waits for room any more.
    func close() {
        let waiters = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.closed = true
            defer { state.waiters = [] }
            return state.waiters
        }
        for waiter in waiters { waiter.resume() }
    }
}
