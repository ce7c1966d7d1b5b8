import Testing
import MaaSEngine

@Suite("concurrent runs")
struct ConcurrencyTests {
    @Test("many concurrent runs of one model, at different shapes, each get the sequential answer")
    func concurrentRuns() async throws {
        let model = try ReferenceModels.speechLike.load()
        let shapes = (0..<64).map { (time: 1 + $0 % 9, batch: 1 + $0 % 4) }
        var expected: [HostTensor] = []
        for (index, shape) in shapes.enumerated() {
            expected.append(try model.run(ReferenceModels.input(time: shape.time, batch: shape.batch, seed: UInt64(index)))["p"]!)
        }
        let results = try await withThrowingTaskGroup(of: (Int, HostTensor).self) { group in
            for (index, shape) in shapes.enumerated() {
                group.addTask {
                    let output = try model.run(ReferenceModels.input(time: shape.time, batch: shape.batch, seed: UInt64(index)))
                    return (index, output["p"]!)
                }
            }
            var results = [HostTensor?](repeating: nil, count: shapes.count)
            for try await (index, output) in group { results[index] = output }
            return results
        }
        for index in shapes.indices {
            #expect(results[index] == expected[index], "run \(index) differs")
        }
    }

    @Test("a batch of sequences gives each row the answer it gets alone")
    func batchRowsIndependent() throws {
        let model = try ReferenceModels.speechLike.load()
        let time = 6, batch = 4
        let x = ReferenceModels.input(time: time, batch: batch)["x"]!.floats!
        let together = try model.run(["x": HostTensor(shape: [time, batch, 4], floats: x)])["p"]!.floats!
        /// The `width` values of (t, row) for every t, from a [T, B, width] array.
        func rows(_ values: [Float], _ row: Int, width: Int) -> [Float] {
            var picked: [Float] = []
            for t in 0..<time {
                let start = (t * batch + row) * width
                picked += values[start..<(start + width)]
            }
            return picked
        }
        for row in 0..<batch {
            let single = try model.run(["x": HostTensor(shape: [time, 1, 4], floats: rows(x, row, width: 4))])["p"]!.floats!
            let picked = rows(together, row, width: 3)
            #expect(maxAbsDifference(single, picked) < 1e-5, "row \(row)")
        }
    }
}
