import Synchronization

/// Set when a call is cancelled, read by the job it handed to a worker: a job whose call timed out while it
/// waited in the queue is dropped instead of run, so an overloaded server does not spend workers on answers
/// nobody will read.
final class CancellationFlag: Sendable {
    private let cancelled = Atomic(false)

    func cancel() {
        cancelled.store(true, ordering: .relaxed)
    }

    var isCancelled: Bool { cancelled.load(ordering: .relaxed) }
}
