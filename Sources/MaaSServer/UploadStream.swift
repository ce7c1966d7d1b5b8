import MaaSProtocol
import NIOCore
import Synchronization

/// The frames after the first of one client-streaming call, from the connection's reader to the call's handler.
///
/// Frames waiting here count against the connection's `UploadBudget`; the reader waits for room before
/// pushing, which is what bounds them. The stream ends when the frame with `end_stream` has been taken,
/// fails if the connection's input ends first, and drops everything once the handler has given up on it.
final class UploadStream: Sendable {
    private enum Phase {
        case open
        /// The client sent its last frame; what is buffered is still delivered.
        case finished
        /// The frames stopped coming before the last one.
        case failed(RPCError)
        /// The handler stopped reading; later frames are dropped.
        case closed
    }

    private struct State {
        var frames = CircularBuffer<Envelope>()
        var phase = Phase.open
        var waiter: CheckedContinuation<Envelope?, any Error>?
    }

    private let state = Mutex(State())
    private let budget: UploadBudget

    init(budget: UploadBudget) {
        self.budget = budget
    }

    /// Hands a frame to the handler (called by the connection's reader after `budget.waitForRoom()`).
    /// A frame with `end_stream` also finishes the stream.
    func push(_ frame: Envelope) {
        let waiter: CheckedContinuation<Envelope?, any Error>? = state.withLock { state in
            guard case .open = state.phase else { return nil }
            if frame.endStream { state.phase = .finished }
            if let waiter = state.waiter {
                state.waiter = nil
                return waiter
            }
            state.frames.append(frame)
            budget.add(frame.payload.count)
            return nil
        }
        waiter?.resume(returning: frame)
    }

    /// Ends the stream with an error for the handler, e.g. when the connection's input ends mid-upload.
    func fail(_ error: RPCError) {
        let waiter = state.withLock { state -> CheckedContinuation<Envelope?, any Error>? in
            guard case .open = state.phase else { return nil }
            state.phase = .failed(error)
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume(throwing: error)
    }

    /// The client sent its last frame with the call's first one: there is nothing to stream.
    func finish() {
        let waiter = state.withLock { state -> CheckedContinuation<Envelope?, any Error>? in
            guard case .open = state.phase else { return nil }
            state.phase = .finished
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume(returning: nil)
    }

    /// The call was answered (or abandoned): buffered frames are released and later ones dropped.
    /// A handler still reading gets CancellationError, never a clean end, so a cut-off upload is never committed.
    func close() {
        let (released, waiter) = state.withLock { state -> (Int, CheckedContinuation<Envelope?, any Error>?) in
            state.phase = .closed
            let bytes = state.frames.reduce(0) { $0 + $1.payload.count }
            state.frames.removeAll()
            defer { state.waiter = nil }
            return (bytes, state.waiter)
        }
        budget.release(released)
        waiter?.resume(throwing: CancellationError())
    }

    /// The next frame; nil after the frame with `end_stream`. Throws if the stream failed or the task is cancelled.
    func next() async throws -> Envelope? {
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Envelope?, any Error>) in
                let outcome: Result<Envelope?, any Error>? = state.withLock { state in
                    if let frame = state.frames.popFirst() {
                        budget.release(frame.payload.count)
                        return .success(frame)
                    }
                    switch state.phase {
                    case .finished: return .success(nil)
                    case .failed(let error): return .failure(error)
                    case .closed: return .failure(CancellationError())
                    case .open:
                        if Task.isCancelled { return .failure(CancellationError()) }
                        state.waiter = continuation
                        return nil
                    }
                }
                if let outcome { continuation.resume(with: outcome) }
            }
        } onCancel: {
            state.withLock { state in
                defer { state.waiter = nil }
                return state.waiter
            }?.resume(throwing: CancellationError())
        }
    }
}
