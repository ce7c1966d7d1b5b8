import Histogram
import MaaSProtocol
import Synchronization

/// What the workers of a run share: the phase (warm-up, measuring, done), the latency histogram and the
/// counts of the measured window, and the CPU samples that bound it.
///
/// Every completed call takes the lock once, for well under a microsecond; the live progress line reads it a
/// few times a second. Calls that complete during warm-up or after the end are not recorded.
final class LoadRecorder: Sendable {
    enum Phase: Sendable, Equatable {
        case warmup, measuring, done
    }

    /// What a worker does after recording a call.
    enum Next: Sendable, Equatable {
        case keepGoing
        case stop
        /// This call was the last one of a `--requests N` run: the worker takes the end sample.
        case tookLastRequest
    }

    /// The numbers so far, for the progress line and the final report.
    struct Snapshot: Sendable {
        var phase: Phase
        var warmupCompleted: Int
        var ok: Int
        var failures: [StatusCode: Int]
        var histogram: Histogram<UInt64>
        var measuringSince: ContinuousClock.Instant?
        var endedAt: ContinuousClock.Instant?
        var startSample: CPUSample?
        var endSample: CPUSample?
        var lost: RPCError?
        /// Ctrl-C ended the run.
        var interrupted = false
        /// Calls sent since measuring began (`--requests`: no more than the target are sent).
        var startedWhileMeasuring = 0

        var failed: Int { failures.values.reduce(0, +) }
        var completed: Int { ok + failed }
    }

    /// Latencies are recorded in nanoseconds, to 3 significant digits, from 1 µs to 10 minutes; a longer one
    /// is recorded as 10 minutes (only possible without --timeout).
    static let longestLatencyNanoseconds: UInt64 = 600 * 1_000_000_000

    private let state: Mutex<Snapshot>
    /// Measured completions after which the run ends (`--requests`); nil for a timed run.
    private let target: Int?

    init(target: Int?) {
        self.target = target
        state = Mutex(Snapshot(
            phase: .warmup, warmupCompleted: 0, ok: 0, failures: [:],
            histogram: Histogram(
                lowestDiscernibleValue: 1_000, highestTrackableValue: Self.longestLatencyNanoseconds,
                numberOfSignificantValueDigits: .three)))
    }

    /// Whether a worker may send another call: not once the run is done, nor, in a `--requests N` run, once
    /// N calls have been sent since measuring began (the run then ends with the last of them, and no call is
    /// left in flight uncounted).
    func mayStart() -> Bool {
        state.withLock { state in
            switch state.phase {
            case .done:
                return false
            case .warmup:
                return true
            case .measuring:
                guard let target else { return true }
                guard state.startedWhileMeasuring < target else { return false }
                state.startedWhileMeasuring += 1
                return true
            }
        }
    }

    /// Records one completed call. The latency of a failed call is not recorded: a quick refusal
    /// (RESOURCE_EXHAUSTED) would make the server look fast.
    func record(_ code: StatusCode, latency: Duration) -> Next {
        let nanoseconds = UInt64(clamping: latency.components.seconds * 1_000_000_000 + latency.components.attoseconds / 1_000_000_000)
        let now = ContinuousClock.now
        return state.withLock { state in
            switch state.phase {
            case .done:
                return .stop
            case .warmup:
                state.warmupCompleted += 1
                return .keepGoing
            case .measuring:
                if code == .ok {
                    state.ok += 1
                    state.histogram.record(min(nanoseconds, Self.longestLatencyNanoseconds))
                } else {
                    state.failures[code, default: 0] += 1
                }
                guard let target, state.completed >= target else { return .keepGoing }
                state.phase = .done
                state.endedAt = now
                return .tookLastRequest
            }
        }
    }

    /// Ends warm-up; `sample` is this process's and the server's CPU time at this instant.
    func beginMeasuring(_ sample: CPUSample) {
        let now = ContinuousClock.now
        state.withLock { state in
            guard state.phase == .warmup else { return }
            state.phase = .measuring
            state.measuringSince = now
            state.startSample = sample
        }
    }

    /// Ends the run (duration reached, or interrupted). Returns false when it had already ended; otherwise
    /// the caller takes the end sample.
    func end(interrupted: Bool = false) -> Bool {
        let now = ContinuousClock.now
        return state.withLock { state in
            guard state.phase != .done else { return false }
            state.interrupted = interrupted
            if state.phase == .measuring { state.endedAt = now }
            state.phase = .done
            return true
        }
    }

    func setEndSample(_ sample: CPUSample) {
        state.withLock { $0.endSample = sample }
    }

    /// Stops the run because a connection is gone: every later call on it would fail at once.
    func abort(_ error: RPCError) {
        state.withLock { state in
            guard state.lost == nil else { return }
            state.lost = error
            if state.phase == .measuring { state.endedAt = .now }
            state.phase = .done
        }
    }

    var phase: Phase { state.withLock { $0.phase } }

    /// A copy of everything. The histogram is about 170 KiB: fine a few times a second.
    func snapshot() -> Snapshot { state.withLock { $0 } }

    /// The progress line's numbers, without copying the histogram.
    func progress() -> LoadProgress.Numbers {
        state.withLock { state in
            LoadProgress.Numbers(
                phase: state.phase, warmupCompleted: state.warmupCompleted, ok: state.ok, failed: state.failed,
                measuringSince: state.measuringSince,
                p50: state.ok > 0 ? state.histogram.valueAtPercentile(50) : nil,
                p99: state.ok > 0 ? state.histogram.valueAtPercentile(99) : nil)
        }
    }
}

/// CPU seconds used so far by this process and, when known, by the server process.
struct CPUSample: Sendable {
    var generator: Double
    var server: Double?

    static func take(serverPID: Int32?) -> CPUSample {
        CPUSample(generator: ProcessCPU.ownSeconds(), server: serverPID.flatMap { ProcessCPU.seconds(pid: $0) })
    }
}
