#if canImport(Glibc)
import Glibc
#endif

/// The live line on stderr during `maas bench`, redrawn in place:
/// `warming up  1.2 s / 2 s  4,210 requests` then
/// `measuring   3.4 s / 10 s  12,345 ok  0 failed  3,631 req/s  p50 2.10 ms  p99 3.85 ms`.
/// Only where a person watches (stderr is a terminal); drawn by the run's one timeline task.
final class LoadProgress {
    struct Numbers: Sendable {
        var phase: LoadRecorder.Phase
        var warmupCompleted: Int
        var ok: Int
        var failed: Int
        var measuringSince: ContinuousClock.Instant?
        var p50: UInt64?
        var p99: UInt64?
    }

    private let terminal: Terminal
    private let warmup: Duration
    private let stop: LoadPlan.Stop
    private let start = ContinuousClock.now
    private var longest = 0

    init(warmup: Duration, stop: LoadPlan.Stop, terminal: Terminal = .standardError) {
        self.warmup = warmup
        self.stop = stop
        self.terminal = terminal
    }

    static func ifUseful(warmup: Duration, stop: LoadPlan.Stop) -> LoadProgress? {
        Terminal.standardError.isTTY ? LoadProgress(warmup: warmup, stop: stop) : nil
    }

    func draw(_ numbers: Numbers) {
        var text = line(numbers, at: .now)
        // A line longer than the terminal wraps, and "\r" would then redraw only its last part.
        if let columns = Self.columns(terminal), text.count >= columns { text = String(text.prefix(columns - 1)) }
        // Blanks overwrite what is left of a longer previous line.
        terminal.write("\r" + text + String(repeating: " ", count: max(0, longest - text.count)))
        longest = max(longest, text.count)
    }

    /// Ends the line, so the report starts on a fresh one.
    func finish() {
        terminal.write("\r" + String(repeating: " ", count: longest) + "\r")
    }

    func line(_ numbers: Numbers, at now: ContinuousClock.Instant) -> String {
        guard let since = numbers.measuringSince else {
            return "warming up  \(Self.tenths(now - start)) / \(DurationText.format(warmup))  "
                + "\(Units.grouped(numbers.warmupCompleted)) requests"
        }
        let elapsed = now - since
        let seconds = DurationText.seconds(elapsed)
        var text: String
        switch stop {
        case .duration(let total): text = "measuring  \(Self.tenths(elapsed)) / \(DurationText.format(total))"
        case .requests(let total):
            text = "measuring  \(Units.grouped(numbers.ok + numbers.failed)) / \(Units.grouped(total)) requests"
        }
        text += "  \(Units.grouped(numbers.ok)) ok"
        if numbers.failed > 0 { text += "  \(Units.grouped(numbers.failed)) failed" }
        if seconds > 0 { text += "  \(Units.grouped(Int((Double(numbers.ok) / seconds).rounded()))) req/s" }
        if let p50 = numbers.p50, let p99 = numbers.p99 {
            text += "  p50 \(LoadReport.milliseconds(p50))  p99 \(LoadReport.milliseconds(p99))"
        }
        return text
    }

    private static func columns(_ terminal: Terminal) -> Int? {
        var size = winsize()
        guard ioctl(terminal.descriptor, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 1 else { return nil }
        return Int(size.ws_col)
    }

    private static func tenths(_ duration: Duration) -> String {
        Units.oneDecimal(max(0, DurationText.seconds(duration))) + " s"
    }
}
