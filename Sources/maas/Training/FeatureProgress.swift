import Synchronization

/// `features train [##########--------------]  40%  2,000/5,000 clips` on stderr while clips are decoded and
/// their MFCCs computed (on all cores), then one line saying how many were read from where.
final class FeatureProgress: Sendable {
    private let label: String
    private let terminal = Terminal.standardError
    private let lastDraw = Mutex<ContinuousClock.Instant?>(nil)

    init(label: String) { self.label = label }

    func update(_ done: Int, _ total: Int) {
        guard terminal.isTTY else { return }
        let now = ContinuousClock.now
        let draw = lastDraw.withLock { last in
            if let previous = last, now - previous < .milliseconds(100), done < total { return false }
            last = now
            return true
        }
        guard draw else { return }
        let width = 24
        let fraction = total == 0 ? 1 : Double(done) / Double(total)
        let filled = Int(fraction * Double(width))
        terminal.write("\rfeatures \(label) [" + String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled)
            + "] \(Int(fraction * 100))%  \(Units.grouped(done))/\(Units.grouped(total)) clips   ")
    }

    func finish(_ count: Int, directory: String) {
        terminal.write((terminal.isTTY ? "\r" : "") + "features \(label): \(Units.grouped(count)) clips from \(directory)"
            + String(repeating: " ", count: 30) + "\n")
    }
}
