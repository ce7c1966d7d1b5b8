/// Batch sizes and queue waits of one version, for the metrics endpoint.
struct BatchStatistics: Sendable, Equatable {
    var batches = 0
    var rows = 0
    /// Batches by their number of rows.
    var sizes: [Int: Int] = [:]
    var totalQueueWait: Duration = .zero
    var maxQueueWait: Duration = .zero

    mutating func record(batchRows: Int, queueWaits: [Duration]) {
        batches += 1
        rows += batchRows
        sizes[batchRows, default: 0] += 1
        for wait in queueWaits {
            totalQueueWait += wait
            maxQueueWait = max(maxQueueWait, wait)
        }
    }
}
