/// A one-line count of clips done on stderr, redrawn in place at most ten times a second:
/// `evaluating [##########--------------]  42%  840 / 2000 clips  37.1 clips/s  2 failed`.
///
/// Updated from the one task that collects answers, so it needs no lock.
final class ClipProgress {
    private let total: Int
    private let terminal: Terminal
    private let start = ContinuousClock.now
    private var lastDraw: ContinuousClock.Instant?

    init(total: Int, terminal: Terminal = .standardError) {
        self.total = total
        self.terminal = terminal
    }

    /// Shows progress only where a person watches (stderr is a terminal).
    static func ifUseful(total: Int) -> ClipProgress? {
        Terminal.standardError.isTTY ? ClipProgress(total: total) : nil
    }

    func update(done: Int, failed: Int) {
        let now = ContinuousClock.now
        // The last update is left to `finish`, which ends the line.
        guard done < total else { return }
        if let lastDraw, now - lastDraw < .milliseconds(100) { return }
        lastDraw = now
        terminal.write("\r" + line(done: done, failed: failed, at: now))
    }

    func finish(done: Int, failed: Int) {
        terminal.write("\r" + line(done: done, failed: failed, at: .now) + "\n")
    }

    private func line(done: Int, failed: Int, at now: ContinuousClock.Instant) -> String {
        let width = 24
        let fraction = total == 0 ? 1 : min(1, Double(done) / Double(total))
        let filled = Int(fraction * Double(width))
        let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled)
        let percent = String(Int(fraction * 100))
        let seconds = Self.seconds(now - start)
        let rate = seconds > 0 ? "  \(Units.oneDecimal(Double(done) / seconds)) clips/s" : ""
        let failures = failed > 0 ? "  \(failed) failed" : ""
        // Trailing blanks overwrite a longer previous line.
        return "evaluating [\(bar)] \(String(repeating: " ", count: 3 - percent.count))\(percent)%  "
            + "\(done) / \(total) clips\(rate)\(failures)   "
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) * 1e-18
    }
}
