import NIOCore
import Synchronization

/// Lets an idle server compute a light Predict on the event loop that read it, instead of handing it to a worker.
///
/// Handing a call to a worker and its answer back wakes two sleeping threads; on this project's 2-core VM that
/// took 32 µs at the median and 73 µs at p99 each way for the reference speech model, whose run takes 110 µs,
/// and about 40 µs of CPU per call (Benchmarks/RESULTS.md). When no inference runs or waits anywhere in the
/// server, a worker adds nothing: the call is computed where it was read. The price is that the loop reads
/// nothing else meanwhile, so a call takes this way only when
/// - its version's solo cost (`SoloCosts`) says it takes at most `limit`: a call that arrives on the same loop
///   meanwhile waits at most that long;
/// - the Predict before it arrived longer ago than that: calls that come closer together than their compute
///   (a closed loop of several clients, answered together, sends its next requests together) would arrive
///   during it, and are better batched on a worker beside it, or run on the other cores;
/// - no other loop is computing one, so with the workers idle the server never runs more compute threads than
///   it has workers;
/// - no two Predicts have overlapped for `overlapMemory` (one read while another was computed or handed to the
///   workers and not answered). Overlaps are what concurrent clients make, and for them computing on the loop
///   cost more than it saved: the arrival gaps of two closed-loop clients passed the rule above for 30–45 % of
///   their calls, and with those computed on the loop the two lost 7–12 % of their throughput on average and saw
///   a p99 about a quarter longer (`Benchmarks/RESULTS.md`, session 8). A lone client never overlaps with itself.
final class LoopCompute: Sendable {
    /// The most a call computed on a loop may be expected to take; zero turns loop computing off.
    let limit: Duration
    private let pool: InferencePool
    private let computing = Atomic(false)
    /// Predicts started so far, for telling whether a call ran alone (`Solo`).
    private let starts = Atomic(0)
    /// When the last ready Predict arrived, and when one last overlapped another, in nanoseconds since `origin`.
    private let lastArrival = Atomic(Int.min / 2)
    private let lastOverlap = Atomic(Int.min / 2)
    /// Predicts handed to the workers by the loops and not answered yet (`handedOff`, `answered`). The pool's own
    /// count is not used for this: a worker leaves it only after handing the answer over, and at c=1 the client's
    /// next request can be read before it has.
    private let unanswered = Atomic(0)
    private let origin = ContinuousClock.now

    /// How long after two Predicts overlapped the loops leave calls to the workers.
    let overlapMemory: Duration
    static let defaultOverlapMemory: Duration = .milliseconds(50)

    init(limit: Duration, overlapMemory: Duration = defaultOverlapMemory, pool: InferencePool) {
        self.limit = limit
        self.overlapMemory = overlapMemory
        self.pool = pool
    }

    /// Nothing computes or waits to: a call started now has the server to itself.
    var isIdle: Bool { !computing.load(ordering: .acquiring) && pool.admittedJobs == 0 }

    /// A Predict starting now: whether it has the server to itself, to be confirmed when it ends (`ranAlone`).
    struct Solo {
        let ticket: Int
        let started: ContinuousClock.Instant
    }

    /// Notes a Predict starting; returns its `Solo` when nothing else runs (`claimed`: the caller holds the
    /// loop's claim, which found the server idle).
    func starting(claimed: Bool = false) -> Solo? {
        let idle = claimed || isIdle
        let ticket = starts.add(1, ordering: .relaxed).newValue
        return idle ? Solo(ticket: ticket, started: .now) : nil
    }

    /// How long a call that started alone took, if no other Predict started before it ended: a call that had
    /// company (batched with it, or waiting behind it) did not show what it costs alone.
    func ranAlone(_ solo: Solo?) -> Duration? {
        guard let solo, starts.load(ordering: .relaxed) == solo.ticket else { return nil }
        return solo.started.duration(to: .now)
    }

    /// When a ready Predict came: how long after the one before it, and after two last overlapped.
    struct Arrival {
        let gap: Duration
        let sinceOverlap: Duration
    }

    /// Notes a ready Predict's arrival on the calling loop, and whether it overlaps another.
    func arrived(at instant: ContinuousClock.Instant) -> Arrival {
        let now = Int(TimeAmount(clamping: origin.duration(to: instant)).nanoseconds)
        let previous = lastArrival.exchange(now, ordering: .relaxed)
        if limit > .zero, unanswered.load(ordering: .relaxed) > 0 || computing.load(ordering: .relaxed) {
            lastOverlap.store(now, ordering: .relaxed)
        }
        return Arrival(gap: .nanoseconds(now - previous), sinceOverlap: .nanoseconds(now - lastOverlap.load(ordering: .relaxed)))
    }

    /// The estimate of a call that came at `arrival`, when that call may be computed on a loop now; nil when it
    /// may not. The estimate is asked for only when the server is idle (a busy one does not pay for the look-up).
    func admits(_ estimate: @autoclosure () -> Duration?, after arrival: Arrival) -> Duration? {
        guard limit > .zero, arrival.sinceOverlap >= overlapMemory, isIdle, let estimate = estimate(), fits(estimate),
            arrival.gap >= estimate
        else { return nil }
        return estimate
    }

    /// A loop handed a Predict to the workers; `answered` when its answer is back on the loop (exactly once).
    func handedOff() {
        unanswered.add(1, ordering: .relaxed)
    }

    func answered() {
        unanswered.subtract(1, ordering: .relaxed)
    }

    /// Takes the right to compute a call of `estimate` on the caller's loop, if nothing runs; `release` gives
    /// it back.
    func claim(estimate: Duration) -> Bool {
        guard fits(estimate), isIdle else { return false }
        return computing.compareExchange(expected: false, desired: true, ordering: .acquiringAndReleasing).exchanged
    }

    func release() {
        computing.store(false, ordering: .releasing)
    }

    /// Whether a call expected to take `estimate` may be computed on a loop at all.
    func fits(_ estimate: Duration) -> Bool {
        limit > .zero && estimate <= limit
    }
}
