#if canImport(Glibc)
import Glibc
#endif

/// The CPU time the calling thread has used. A batch's cost is measured with it rather than with the wall
/// clock: on a busy machine a worker waits for a core in the middle of a batch, and counting that wait would
/// make requests look heavy exactly when a second worker finds no free core either.
enum ThreadCPUClock {
    static func now() -> Duration {
        var time = timespec()
        guard clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time) == 0 else { return .zero }
        return .seconds(time.tv_sec) + .nanoseconds(time.tv_nsec)
    }
}
