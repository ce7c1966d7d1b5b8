import Dispatch
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Turns SIGINT/SIGTERM into a call instead of the default immediate death, so `maas serve` can finish the
/// calls in flight. A second signal while draining exits at once (status 130), for an impatient operator.
final class SignalTrap {
    private let sources: [any DispatchSourceSignal]

    init(_ signals: [Int32], onFirst: @escaping @Sendable (Int32) -> Void) {
        let seen = Mutex(false)
        sources = signals.map { number in
            // The default action must be off, or the process dies before the dispatch source sees the signal.
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler {
                let first = seen.withLock { seen in
                    defer { seen = true }
                    return !seen
                }
                if first { onFirst(number) } else { exit(130) }
            }
            source.resume()
            return source
        }
    }

    func cancel() {
        for source in sources { source.cancel() }
    }
}
