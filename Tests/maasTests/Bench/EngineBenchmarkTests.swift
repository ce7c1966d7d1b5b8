import Foundation
import Testing

@testable import maas

@Suite("maas bench --local: what a measurement reports")
struct EngineBenchmarkTests {
    @Test("the 99th percentile is the time that 1 % of the runs took at least as long as")
    func percentile() {
        let hundred = (1...100).map(Double.init)
        #expect(slowest(hundred, fraction: 0.01) == 100)
        let twoHundred = (1...200).map(Double.init)
        #expect(slowest(twoHundred, fraction: 0.01) == 199)
        #expect(slowest(twoHundred, fraction: 0.5) == 101)
        // One run: every percentile is that run.
        #expect(slowest([0.25], fraction: 0.01) == 0.25)
    }

    @Test("the JSON row carries the median, the best and the 99th percentile, in milliseconds")
    func row() throws {
        let seconds = (1...200).map { Double($0) * 1e-6 }
        let measurement = EngineBenchmark.Measurement(seconds: seconds, outputs: [:])
        let row = BenchRow(config: BenchConfig(frames: 44, batch: 1), engine: measurement)
        let json = try #require(
            JSONSerialization.jsonObject(with: JSONEncoder().encode(row)) as? [String: Any])
        for (key, expected) in [("engine_best_ms", 0.001), ("engine_median_ms", 0.101), ("engine_p99_ms", 0.199)] {
            let value = try #require(json[key] as? Double, "\(key)")
            #expect(abs(value - expected) < 1e-12, "\(key) = \(value)")
        }
        #expect(json["onnxruntime_p99_ms"] == nil)
    }
}
