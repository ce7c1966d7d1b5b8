import Testing

@testable import MaaSServer

@Suite("WorkEstimate")
struct WorkEstimateTests {
    @Test("the first batch sets a cost; later ones move it an eighth of the way; empty batches are ignored")
    func movingAverage() {
        var estimate = WorkEstimate()
        #expect(estimate.work(rows: 8, unprepared: 8) == .zero, "a version that has not run is assumed light")
        estimate.recordBatch(.microseconds(800), rows: 4)
        #expect(estimate.rowCost == .microseconds(200))
        estimate.recordBatch(.microseconds(1000), rows: 1)
        #expect(estimate.rowCost == .microseconds(300))
        estimate.recordBatch(.seconds(5), rows: 0)
        #expect(estimate.rowCost == .microseconds(300))
        estimate.recordPreparations(.microseconds(150), count: 3)
        #expect(estimate.preparationCost == .microseconds(50))
        estimate.recordPreparations(.seconds(1), count: 0)
        #expect(estimate.preparationCost == .microseconds(50))
    }

    @Test("waiting work counts every row, and each unprepared request's preparation as well",
          arguments: [(0, 0, 0), (3, 0, 900), (0, 2, 700), (2, 1, 950)])
    func work(rows: Int, unprepared: Int, microseconds: Int) {
        var estimate = WorkEstimate()
        estimate.recordBatch(.microseconds(300), rows: 1)
        estimate.recordPreparations(.microseconds(50), count: 1)
        #expect(estimate.work(rows: rows, unprepared: unprepared) == .microseconds(microseconds))
    }
}
