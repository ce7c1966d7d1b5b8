import Testing
@testable import MaaSEngine

@Suite("Kernel benchmark")
struct KernelBenchmarkTests {
    static func weights() -> KernelBenchmark.ReferenceWeights {
        .init(lstmW: deterministicValues(count: 512 * 20, seed: 21), lstmR: deterministicValues(count: 512 * 128, seed: 22),
              lstmB: deterministicValues(count: 1024, seed: 23), dense1W: deterministicValues(count: 128 * 64, seed: 24),
              dense1B: deterministicValues(count: 64, seed: 25), dense2W: deterministicValues(count: 640, seed: 26),
              dense2B: deterministicValues(count: 10, seed: 27))
    }

    @Test("runs the reference model and yields one distribution per frame")
    func producesDistributions() {
        let frames = 6, batch = 2
        let measurement = KernelBenchmark.runReferenceModel(
            weights: Self.weights(), input: deterministicValues(count: frames * batch * 20, seed: 28),
            frames: frames, batch: batch, threads: 1, iterations: 2, warmup: 0)
        #expect(measurement.seconds.count == 2)
        #expect(measurement.output.count == frames * batch * 10)
        for row in 0..<(frames * batch) {
            let distribution = measurement.output[(row * 10)..<(row * 10 + 10)]
            #expect(distribution.allSatisfy { $0 > 0 && $0 < 1 })
            #expect(abs(distribution.reduce(0, +) - 1) < 1e-5)
        }
    }

    @Test("names the first weight array of the wrong size")
    func reportsShapeProblems() {
        var weights = Self.weights()
        #expect(weights.shapeProblem == nil)
        weights.dense1B = [0]
        #expect(weights.shapeProblem == "dense1 B has 1 floats, expected 64")
    }
}
