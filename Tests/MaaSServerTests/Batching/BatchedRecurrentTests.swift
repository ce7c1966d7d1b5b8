import MaaSEngine
import Testing

@testable import MaaSServer

/// Dynamic batching on a real recurrent network: the engine's reference speech LSTM ([T, B, 20] →
/// [T, B, 10], ONNX Runtime-checked in MaaSEngineTests). Rows must not affect each other.
@Suite("Batched LSTM", .timeLimit(.minutes(1)))
struct BatchedRecurrentTests {
    private func input(frames: Int, seed: Int) -> HostTensor {
        var state = UInt64(seed) &* 0x9E37_79B9_7F4A_7C15 | 1
        let values = (0..<frames * 20).map { _ -> Float in
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Float(Int64(bitPattern: state >> 11) % 2000) / 500
        }
        return HostTensor(shape: [frames, 1, 20], floats: values)
    }

    @Test("batched answers equal each request run alone within 1e-5, for clips of the same and of different lengths")
    func batchedEqualsAlone() async throws {
        let model = try EngineModelFixtures.load("reference_speech")
        let layout = try #require(BatchLayout.probe(model, inputAxes: ["x": 1]))
        #expect(layout.outputAxes == ["probabilities": 1])
        let pool = InferencePool(workers: 1, queueDepth: 64)
        pool.start()
        let queue = BatchQueue(
            model: model, layout: layout,
            settings: .init(maxBatchSize: 32, maxQueueDelay: .milliseconds(50), maxInFlight: 1, maxWaiting: 64), pool: pool)
        let requests = (0..<24).map { index in input(frames: index % 3 == 0 ? 61 : 44, seed: index) }
        let alone = try requests.map { try model.run(["x": $0]) }
        let batched = try await withThrowingTaskGroup(of: (Int, [String: HostTensor]).self) { group in
            for (index, request) in requests.enumerated() {
                group.addTask { (index, try await queue.run(["x": request])) }
            }
            var results = [[String: HostTensor]](repeating: [:], count: requests.count)
            for try await (index, result) in group { results[index] = result }
            return results
        }
        for (one, many) in zip(alone, batched) {
            let a = try #require(one["probabilities"])
            let b = try #require(many["probabilities"])
            #expect(a.shape == b.shape)
            let difference = zip(try #require(a.floats), try #require(b.floats)).map { abs($0 - $1) }.max() ?? 0
            #expect(difference <= 1e-5)
        }
        let statistics = queue.statistics
        #expect(statistics.rows == requests.count)
        #expect(statistics.sizes.keys.contains { $0 >= 8 }, "the 50 ms delay gathered the requests: \(statistics.sizes)")
        await pool.shutdown()
    }

    @Test("the probe refuses the LSTM's time axis: outputs follow its length, but rows along it are not independent")
    func timeAxisIsNotABatchAxis() throws {
        let model = try EngineModelFixtures.load("reference_speech")
        #expect(BatchLayout.probe(model, inputAxes: ["x": 0]) == nil)
        #expect(BatchLayout.probe(model, inputAxes: ["x": 1])?.outputAxes == ["probabilities": 1])
        // [T, B, 20] has two dynamic axes: a tensor-only version tries each as the batch axis, T first.
        let candidates = BatchQueues.candidates(model: model, audio: nil)
        #expect(candidates.map(\.inputAxes) == [["x": 0], ["x": 1]])
        #expect(candidates.map(\.sequence) == [.init(input: "x", axis: 1), .init(input: "x", axis: 0)])
    }
}
