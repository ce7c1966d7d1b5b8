import Foundation
import MaaSTraining

/// One line per epoch on stderr: redrawn in place while the epoch runs (when stderr is a terminal), then
/// finished with the epoch's validation numbers and time:
/// `epoch  3/30 [########################] 100%  loss 0.4123  acc 87.6%  val_loss 0.3911  val_acc 88.0%  12.3 s`.
struct EpochProgressLine {
    let epochs: Int
    let terminal = Terminal.standardError
    private var lastDraw = ContinuousClock.now - .seconds(1)

    init(epochs: Int) { self.epochs = epochs }

    mutating func update(_ progress: EpochProgress) {
        guard terminal.isTTY else { return }
        let now = ContinuousClock.now
        guard now - lastDraw >= .milliseconds(100) || progress.batchesDone == progress.batchesTotal else { return }
        lastDraw = now
        terminal.write("\r" + head(progress.epoch, done: progress.batchesDone, total: progress.batchesTotal)
            + "  loss \(Self.loss(progress.loss))  acc \(Self.accuracy(progress.accuracy))   ")
    }

    func finish(_ record: EpochRecord, batches: Int, best: Bool) {
        var text = head(record.epoch, done: batches, total: batches)
            + "  loss \(Self.loss(record.trainLoss))  acc \(Self.accuracy(record.trainAccuracy))"
        if let loss = record.validationLoss, let accuracy = record.validationAccuracy {
            text += "  val_loss \(Self.loss(loss))  val_acc \(Self.accuracy(accuracy))"
        }
        text += "  \(Units.oneDecimal(record.seconds)) s" + (best ? "  *" : "")
        terminal.write((terminal.isTTY ? "\r" : "") + text + "   \n")
    }

    private func head(_ epoch: Int, done: Int, total: Int) -> String {
        let width = 24
        let fraction = total == 0 ? 1 : Double(done) / Double(total)
        let filled = Int(fraction * Double(width))
        let digits = String(epochs).count
        let number = String(repeating: " ", count: max(0, digits - String(epoch).count)) + String(epoch)
        let percent = String(Int(fraction * 100))
        return "epoch \(number)/\(epochs) [" + String(repeating: "#", count: filled)
            + String(repeating: "-", count: width - filled) + "] " + String(repeating: " ", count: 3 - percent.count) + percent + "%"
    }

    static func loss(_ value: Double) -> String { String(format: "%.4f", value) }
    static func accuracy(_ value: Double) -> String { String(format: "%.1f%%", value * 100) }
}
