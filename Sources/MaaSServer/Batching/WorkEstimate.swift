/// How much CPU time a version's batches take a worker, learned from its recent batches (`ThreadCPUClock`):
/// what decides whether requests waiting beside a running batch are worth a second worker (`BatchQueue`).
///
/// A batch costs a fixed part (the run's set-up, the recurrence's per-step calls) plus a part per row, so the
/// cost is kept by batch size rather than per row: an average per row taken from small batches would make a
/// large batch look heavier than it is, and since a second worker makes batches smaller, that error would feed
/// itself. Each size keeps a moving average (weight 1/8) over its recent batches; a size not seen yet is
/// scaled from the nearest one seen. Unprepared requests (audio clips) add their preparation, which does not
/// batch. Until a version has run, its waiting requests are assumed light.
struct WorkEstimate: Sendable, Equatable {
    /// Batch CPU time by rows (sizes past `exactSizes` by power-of-two bucket, so the table stays small).
    private(set) var batchCosts: [Int: Duration] = [:]
    /// Computing one unprepared request's inputs (an audio clip's features).
    private(set) var preparationCost: Duration = .zero

    private static let exactSizes = 64

    mutating func recordBatch(_ duration: Duration, rows: Int) {
        guard rows > 0 else { return }
        let key = Self.key(rows)
        let sample = duration * key / rows
        batchCosts[key] = batchCosts[key].map { Self.averaged($0, sample) } ?? sample
    }

    mutating func recordPreparations(_ duration: Duration, count: Int) {
        guard count > 0 else { return }
        let sample = duration / count
        preparationCost = preparationCost == .zero ? sample : Self.averaged(preparationCost, sample)
    }

    /// What a batch of `rows` costs, from the nearest size seen (zero when none has been).
    func batchCost(rows: Int) -> Duration {
        guard rows > 0 else { return .zero }
        let key = Self.key(rows)
        // The nearest size seen; of two as near, the larger (its fixed part weighs less).
        let nearest = batchCosts.min { a, b in
            let (da, db) = (abs(a.key - key), abs(b.key - key))
            return da < db || (da == db && a.key > b.key)
        }
        guard let nearest else { return .zero }
        return nearest.value * rows / nearest.key
    }

    /// The worker time `rows` prepared rows and `unprepared` requests (one row each) would take as one batch.
    func work(rows: Int, unprepared: Int) -> Duration {
        batchCost(rows: rows + unprepared) + preparationCost * unprepared
    }

    private static func key(_ rows: Int) -> Int {
        guard rows > exactSizes else { return rows }
        var bucket = exactSizes
        while bucket < rows { bucket *= 2 }
        return bucket
    }

    private static func averaged(_ average: Duration, _ sample: Duration) -> Duration {
        average + (sample - average) / 8
    }
}
