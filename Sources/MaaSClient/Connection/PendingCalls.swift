import MaaSProtocol
import NIOCore
import Synchronization

/// The calls in flight on one connection, keyed by call id, and whether the connection is still usable.
///
/// Outcomes arrive from several places: the event loop (a response frame, a connection error), a deadline
/// timer, task cancellation. Whichever comes first wins; later ones for the same call are ignored. An outcome
/// may arrive before the caller starts waiting (a fast server, or a failure while still sending), so it is
/// kept until `wait` collects it. Continuations are resumed outside the lock.
final class PendingCalls: Sendable {
    typealias Outcome = Result<Envelope, RPCError>

    private struct Call {
        var continuation: CheckedContinuation<Outcome, Never>?
        var outcome: Outcome?
        var deadline: Scheduled<Void>?
    }

    private struct State {
        var nextCallID: UInt64 = 1
        var calls: [UInt64: Call] = [:]
        /// Set once the connection is unusable; every later call fails with it at once.
        var closedWith: RPCError?
    }

    private let state = Mutex(State())

    /// Allocates a call id (never 0: the server uses 0 for connection-level errors).
    func open() throws(RPCError) -> UInt64 {
        let result: Result<UInt64, RPCError> = state.withLock { state in
            if let error = state.closedWith { return .failure(error) }
            let id = state.nextCallID
            state.nextCallID += 1
            state.calls[id] = Call()
            return .success(id)
        }
        return try result.get()
    }

    /// Attaches a deadline timer, cancelled when the call finishes first.
    func setDeadline(_ scheduled: Scheduled<Void>, for id: UInt64) {
        let alreadyFinished = state.withLock { state in
            guard state.calls[id] != nil, state.calls[id]!.outcome == nil else { return true }
            state.calls[id]!.deadline = scheduled
            return false
        }
        if alreadyFinished { scheduled.cancel() }
    }

    /// Records the outcome of call `id`; returns false when no such call is waiting (unknown or already done).
    @discardableResult
    func finish(_ id: UInt64, with outcome: Outcome) -> Bool {
        let (known, continuation, deadline) = state.withLock {
            state -> (Bool, CheckedContinuation<Outcome, Never>?, Scheduled<Void>?) in
            guard var call = state.calls[id], call.outcome == nil else { return (false, nil, nil) }
            if let continuation = call.continuation {
                state.calls[id] = nil
                return (true, continuation, call.deadline)
            }
            call.outcome = outcome
            let deadline = call.deadline
            call.deadline = nil
            state.calls[id] = call
            return (true, nil, deadline)
        }
        deadline?.cancel()
        continuation?.resume(returning: outcome)
        return known
    }

    func isFinished(_ id: UInt64) -> Bool {
        state.withLock { $0.calls[id]?.outcome != nil }
    }

    /// Suspends until call `id` has an outcome, then forgets the call.
    func wait(for id: UInt64) async -> Outcome {
        await withCheckedContinuation { continuation in
            let ready: Outcome? = state.withLock { state in
                guard let call = state.calls[id] else {
                    return .failure(RPCError(.internal, "call \(id) is not pending"))
                }
                if let outcome = call.outcome {
                    state.calls[id] = nil
                    return outcome
                }
                state.calls[id]!.continuation = continuation
                return nil
            }
            if let ready { continuation.resume(returning: ready) }
        }
    }

    /// Marks the connection unusable and fails every pending call with `error`. Only the first reason is
    /// kept: a decoding error followed by the resulting close still reports the decoding error.
    func failAll(_ error: RPCError) {
        let (waiting, deadlines) = state.withLock {
            state -> ([CheckedContinuation<Outcome, Never>], [Scheduled<Void>]) in
            if state.closedWith == nil { state.closedWith = error }
            let reason = state.closedWith!
            var waiting: [CheckedContinuation<Outcome, Never>] = []
            var deadlines: [Scheduled<Void>] = []
            for (id, call) in state.calls where call.outcome == nil {
                if let deadline = call.deadline { deadlines.append(deadline) }
                if let continuation = call.continuation {
                    waiting.append(continuation)
                    state.calls[id] = nil
                } else {
                    state.calls[id]!.outcome = .failure(reason)
                    state.calls[id]!.deadline = nil
                }
            }
            return (waiting, deadlines)
        }
        for deadline in deadlines { deadline.cancel() }
        let reason = state.withLock { $0.closedWith! }
        for continuation in waiting { continuation.resume(returning: .failure(reason)) }
    }

    /// Why the connection is unusable, or nil while it is open.
    var closedWith: RPCError? { state.withLock { $0.closedWith } }

    /// The number of calls not yet collected (for tests and diagnostics).
    var count: Int { state.withLock { $0.calls.count } }
}
