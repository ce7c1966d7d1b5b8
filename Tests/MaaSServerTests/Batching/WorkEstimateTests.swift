import Testing

@testable import MaaSServer

@Suite("WorkEstimate")
struct WorkEstimateTests {
    @Test("each batch size keeps its own cost: the first batch sets it, later ones move it an eighth of the way")
    func movingAverageBySize() {
        var estimate = WorkEstimate()
        #expect(estimate.work(rows: 8, unprepared: 8) == .zero, "a version that has not run is assumed light")
        estimate.recordBatch(.microseconds(800), rows: 4)
        #expect(estimate.batchCosts == [4: .microseconds(800)])
        estimate.recordBatch(.microseconds(1600), rows: 4)
        #expect(estimate.batchCosts == [4: .microseconds(900)])
        estimate.recordBatch(.microseconds(100), rows: 1)
        #expect(estimate.batchCosts == [1: .microseconds(100), 4: .microseconds(900)])
        estimate.recordBatch(.seconds(5), rows: 0)
        #expect(estimate.batchCosts.count == 2, "an empty batch is ignored")
        estimate.recordPreparations(.microseconds(150), count: 3)
        #expect(estimate.preparationCost == .microseconds(50))
        estimate.recordPreparations(.microseconds(130), count: 1)
        #expect(estimate.preparationCost == .microseconds(60))
        estimate.recordPreparations(.seconds(1), count: 0)
        #expect(estimate.preparationCost == .microseconds(60))
    }

    @Test("a size not seen is scaled from the nearest seen (the larger of two as near); unprepared requests add their preparation",
          arguments: [
            (4, 0, 800), (1, 0, 100), (8, 0, 1600), (6, 0, 1200), (2, 0, 200), (3, 0, 600), (0, 0, 0),
            (2, 1, 650), (0, 4, 1000),
          ])
    func work(rows: Int, unprepared: Int, microseconds: Int) {
        var estimate = WorkEstimate()
        estimate.recordBatch(.microseconds(100), rows: 1)
        estimate.recordBatch(.microseconds(800), rows: 4)
        estimate.recordPreparations(.microseconds(50), count: 1)
        #expect(estimate.work(rows: rows, unprepared: unprepared) == .microseconds(microseconds))
    }

    @Test("small batches' cost per row does not make a full batch look heavy")
    func fixedCostIsNotScaled() {
        var estimate = WorkEstimate()
        // The reference model with its answers: 150 µs alone, 446 µs for 8 rows (a fixed part, then ~42 µs a row).
        // Seven rows at the singletons' 150 µs each would pass for a millisecond's work.
        for _ in 0..<20 { estimate.recordBatch(.microseconds(150), rows: 1) }
        estimate.recordBatch(.microseconds(446), rows: 8)
        #expect(estimate.work(rows: 7, unprepared: 0) < .milliseconds(1))
        #expect(estimate.work(rows: 8, unprepared: 0) == .microseconds(446))
    }

    @Test("sizes past 64 rows share power-of-two buckets")
    func largeBatchesBucketed() {
        var estimate = WorkEstimate()
        estimate.recordBatch(.milliseconds(10), rows: 100)
        #expect(estimate.batchCosts.keys.sorted() == [128])
        #expect(estimate.work(rows: 100, unprepared: 0) == .milliseconds(10))
        #expect(estimate.work(rows: 200, unprepared: 0) == .milliseconds(20))
    }
}
