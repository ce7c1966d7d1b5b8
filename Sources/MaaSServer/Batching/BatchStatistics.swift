import Foundation
import Logging

/// Batch sizes and queue waits of one version, for the metrics endpoint.
struct BatchStatistics: Sendable, Equatable {
    var batches = 0
    var rows = 0
    /// Batches by their number of rows.
    var sizes: [Int: Int] = [:]
    var totalQueueWait: Duration = .zero
    var maxQueueWait: Duration = .zero
    /// Batches whose rows had different sequence lengths, and the zero frames added to pad them.
    var paddedBatches = 0
    var paddingFrames = 0
    /// What batches of each size and an unprepared request cost lately (what decides a second batch beside a
    /// running one).
    var estimate = WorkEstimate()

    mutating func record(batchRows: Int, queueWaits: [Duration], paddingFrames padding: Int = 0) {
        batches += 1
        if padding > 0 {
            paddedBatches += 1
            paddingFrames += padding
        }
        rows += batchRows
        sizes[batchRows, default: 0] += 1
        for wait in queueWaits {
            totalQueueWait += wait
            maxQueueWait = max(maxQueueWait, wait)
        }
    }

    /// One log line's worth: batches, rows, mean and largest batch, the sizes seen, queue waits, padding, costs.
    func logMetadata(name: String, version: Int64) -> Logger.Metadata {
        let meanWait = rows > 0 ? totalQueueWait / rows : .zero
        let sizes = self.sizes.sorted { $0.key < $1.key }.map { "\($0.key):\($0.value)" }.joined(separator: " ")
        return [
            "model.name": .string(name), "model.version": .stringConvertible(version),
            "batches": .stringConvertible(batches), "rows": .stringConvertible(rows),
            "rows.mean": .string(batches > 0 ? String(format: "%.2f", Double(rows) / Double(batches)) : "0"),
            "rows.max": .stringConvertible(self.sizes.keys.max() ?? 0),
            "sizes": .string(sizes),
            "queue_wait.mean_us": .stringConvertible(Self.microseconds(meanWait)),
            "queue_wait.max_us": .stringConvertible(Self.microseconds(maxQueueWait)),
            "padded_batches": .stringConvertible(paddedBatches),
            "padding_frames": .stringConvertible(paddingFrames),
            "batch_cost_us": .string(
                estimate.batchCosts.sorted { $0.key < $1.key }.map { "\($0.key):\(Self.microseconds($0.value))" }
                    .joined(separator: " ")),
            "preparation_cost_us": .stringConvertible(Self.microseconds(estimate.preparationCost)),
        ]
    }

    private static func microseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        return seconds * 1_000_000 + attoseconds / 1_000_000_000_000
    }
}
