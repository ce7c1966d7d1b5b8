/// How much CPU time a version's requests take a worker, learned from its recent batches (`ThreadCPUClock`):
/// what decides whether requests waiting beside a running batch are worth a second worker (`BatchQueue`).
///
/// Each cost is a moving average over the last few batches (weight 1/8), so it follows a version whose
/// requests change in size without jumping at one slow run. Both start at zero: until a version has run, its
/// waiting requests are assumed light.
struct WorkEstimate: Sendable, Equatable {
    /// A row's share of a model run.
    private(set) var rowCost: Duration = .zero
    /// Computing one unprepared request's inputs (an audio clip's features).
    private(set) var preparationCost: Duration = .zero

    mutating func recordBatch(_ duration: Duration, rows: Int) {
        guard rows > 0 else { return }
        rowCost = Self.averaged(rowCost, duration / rows)
    }

    mutating func recordPreparations(_ duration: Duration, count: Int) {
        guard count > 0 else { return }
        preparationCost = Self.averaged(preparationCost, duration / count)
    }

    /// The worker time `rows` prepared rows and `unprepared` requests (one row each) would take.
    func work(rows: Int, unprepared: Int) -> Duration {
        rowCost * (rows + unprepared) + preparationCost * unprepared
    }

    private static func averaged(_ average: Duration, _ sample: Duration) -> Duration {
        average == .zero ? sample : average + (sample - average) / 8
    }
}
