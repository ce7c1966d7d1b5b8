import Synchronization

/// A running estimate of how long a step of one version takes (an exponentially weighted mean), so short
/// steps can run in the caller's thread instead of paying a hop to a worker and back.
final class StepTimer: Sendable {
    /// Steps estimated below this run inline (`InferencePool.run(inline:)`).
    static let inlineLimit: Duration = .milliseconds(1)

    private let mean = Mutex<Double?>(nil)

    /// Known, and short enough to run inline.
    var isShort: Bool {
        mean.withLock { $0.map { $0 < Self.seconds(Self.inlineLimit) } ?? false }
    }

    /// Runs `step`, adding its duration to the estimate.
    func measure<T>(_ step: () throws -> T) rethrows -> T {
        let start = ContinuousClock.now
        let result = try step()
        let elapsed = Self.seconds(ContinuousClock.now - start)
        mean.withLock { mean in mean = mean.map { 0.8 * $0 + 0.2 * elapsed } ?? elapsed }
        return result
    }

    private static func seconds(_ duration: Duration) -> Double {
        let parts = duration.components
        return Double(parts.seconds) + Double(parts.attoseconds) * 1e-18
    }
}
