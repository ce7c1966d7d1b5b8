import Synchronization

/// A one-line progress bar on stderr, redrawn in place at most ten times a second:
/// `uploading [##########----------]  50%  12.3 MiB / 24.6 MiB  45.1 MiB/s`.
final class ProgressBar: Sendable {
    private struct State {
        var lastDraw: ContinuousClock.Instant?
        var lastDone: UInt64 = 0
        var finished = false
    }

    private let label: String
    private let total: UInt64
    private let terminal: Terminal
    private let start = ContinuousClock.now
    private let state = Mutex(State())

    init(label: String, total: UInt64, terminal: Terminal = .standardError) {
        self.label = label
        self.total = total
        self.terminal = terminal
    }

    /// Shows a bar only where a person watches (stderr is a terminal) and the work is long enough to matter.
    static func ifUseful(label: String, total: UInt64, minimum: UInt64 = 4 << 20) -> ProgressBar? {
        guard Terminal.standardError.isTTY, total >= minimum else { return nil }
        return ProgressBar(label: label, total: total)
    }

    func update(_ done: UInt64) {
        let now = ContinuousClock.now
        let draw = state.withLock { state in
            guard !state.finished else { return false }
            state.lastDone = done
            if let last = state.lastDraw, now - last < .milliseconds(100), done < total { return false }
            state.lastDraw = now
            return true
        }
        if draw { terminal.write("\r" + line(done, at: now)) }
    }

    /// Draws the final state — `done`, or how far the work got when it failed — and ends the line.
    func finish(_ done: UInt64? = nil) {
        let final: UInt64? = state.withLock { state in
            defer { state.finished = true }
            return state.finished ? nil : (done ?? state.lastDone)
        }
        if let final { terminal.write("\r" + line(final, at: .now) + "\n") }
    }

    private func line(_ done: UInt64, at now: ContinuousClock.Instant) -> String {
        let width = 24
        let fraction = total == 0 ? 1 : min(1, Double(done) / Double(total))
        let filled = Int(fraction * Double(width))
        let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled)
        let percent = String(Int(fraction * 100))
        let elapsed = now - start
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        let rate = seconds > 0 ? Units.bytes(UInt64(Double(done) / seconds)) + "/s" : ""
        let text = "\(label) [\(bar)] \(String(repeating: " ", count: 3 - percent.count))\(percent)%  "
            + "\(Units.bytes(done)) / \(Units.bytes(total))  \(rate)"
        // Trailing blanks overwrite a longer previous line.
        return text + "   "
    }
}
