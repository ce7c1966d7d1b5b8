import Testing

@testable import MaaSServer

@Suite("BatchStatistics")
struct BatchStatisticsTests {
    @Test("counts batches, rows and sizes, and reports queue waits and costs in microseconds")
    func logLine() {
        var statistics = BatchStatistics()
        statistics.record(batchRows: 3, queueWaits: [.microseconds(100), .microseconds(200), .microseconds(300)])
        statistics.record(batchRows: 1, queueWaits: [.microseconds(1000)])
        statistics.record(batchRows: 3, queueWaits: [.zero, .zero, .zero], paddingFrames: 17)
        statistics.estimate.recordBatch(.microseconds(420), rows: 3)
        statistics.estimate.recordBatch(.microseconds(110), rows: 1)
        statistics.estimate.recordPreparations(.microseconds(2500), count: 50)
        #expect(statistics.batches == 3)
        #expect(statistics.rows == 7)
        #expect(statistics.sizes == [1: 1, 3: 2])
        let metadata = statistics.logMetadata(name: "speech", version: 2).mapValues { "\($0)" }
        #expect(metadata["model.name"] == "speech")
        #expect(metadata["model.version"] == "2")
        #expect(metadata["rows.mean"] == "2.33")
        #expect(metadata["rows.max"] == "3")
        #expect(metadata["sizes"] == "1:1 3:2")
        #expect(metadata["queue_wait.mean_us"] == "228")  // 1600 µs over 7 rows
        #expect(metadata["queue_wait.max_us"] == "1000")
        #expect(metadata["padded_batches"] == "1")
        #expect(metadata["padding_frames"] == "17")
        #expect(metadata["batch_cost_us"] == "1:110 3:420")
        #expect(metadata["preparation_cost_us"] == "50")
    }
}
