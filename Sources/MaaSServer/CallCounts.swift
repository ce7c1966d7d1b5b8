import Synchronization

/// Server-wide counts of how calls were served (read by tests, and later by the metrics endpoint).
final class CallCounts: Sendable {
    private let inline = Atomic(0)
    private let loopComputed = Atomic(0)
    private let loopDeclined = Atomic(0)

    /// Predicts started on the event loop without a task (`Connection.serveInline`).
    var inlineCalls: Int { inline.load(ordering: .relaxed) }

    /// Of those, the ones an idle server computed on the event loop itself (`LoopCompute`).
    var loopComputedCalls: Int { loopComputed.load(ordering: .relaxed) }

    /// Clips the loop left to a worker by the length their header declares: far longer than their bytes suggested.
    var loopDeclinedCalls: Int { loopDeclined.load(ordering: .relaxed) }

    func countInline() {
        inline.add(1, ordering: .relaxed)
    }

    func countLoopComputed() {
        loopComputed.add(1, ordering: .relaxed)
    }

    func countLoopDeclined() {
        loopDeclined.add(1, ordering: .relaxed)
    }
}
