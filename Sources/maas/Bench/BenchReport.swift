import Foundation
import MaaSClient
import MaaSEngine

/// One configuration's numbers.
struct BenchRow: Encodable {
    var config: BenchConfig
    var engine_median_ms: Double
    var engine_best_ms: Double
    var engine_p99_ms: Double
    var onnxruntime_median_ms: Double?
    var onnxruntime_best_ms: Double?
    var onnxruntime_p99_ms: Double?
    /// Largest |engine − onnxruntime| over all float outputs; nil without a baseline.
    var max_abs_difference: Double?
    var problem: String?
    private var engineOutputs: [String: HostTensor]

    private enum CodingKeys: String, CodingKey {
        case config, engine_median_ms, engine_best_ms, engine_p99_ms, onnxruntime_median_ms, onnxruntime_best_ms,
            onnxruntime_p99_ms, max_abs_difference, problem
    }

    init(config: BenchConfig, engine: EngineBenchmark.Measurement) {
        self.config = config
        engine_median_ms = engine.median * 1000
        engine_best_ms = engine.best * 1000
        engine_p99_ms = engine.p99 * 1000
        engineOutputs = engine.outputs
    }

    /// Sequences per second at the median.
    var engineThroughput: Double { Double(config.batch) / (engine_median_ms / 1000) }

    mutating func attach(_ result: OnnxRuntimeBaseline.Result) {
        onnxruntime_median_ms = result.median * 1000
        onnxruntime_best_ms = result.best * 1000
        onnxruntime_p99_ms = result.p99 * 1000
        var worst = 0.0
        for (name, path) in result.outputs {
            guard let ours = engineOutputs[name] else {
                problem = "the engine has no output '\(name)'"
                return
            }
            guard let theirs = try? NumpyArray(contentsOf: path), theirs.shape == ours.shape else {
                problem = "output '\(name)' differs in shape or type from onnxruntime's"
                return
            }
            if let a = ours.floats, let b = theirs.floatValues {
                for (x, y) in zip(a, b) { worst = max(worst, Double(abs(x - y))) }
            } else if let a = ours.int64s, let b = theirs.int64Values {
                for (x, y) in zip(a, b) where x != y { worst = max(worst, Double(abs(Double(x) - Double(y)))) }
            }
        }
        max_abs_difference = worst
    }
}

/// What `maas bench --local` prints.
struct BenchReport: Encodable {
    var file: String
    var threads: Int
    var iterations: Int
    var warmup: Int
    /// onnxruntime's version, when it ran.
    var onnxruntime: String?
    var rows: [BenchRow]

    func text() -> String {
        var out = "\(file): \(threads) thread\(threads == 1 ? "" : "s"), median and best of \(iterations) runs after \(warmup) warm-up"
        out += onnxruntime.map { ", onnxruntime \($0)\n" } ?? ", no onnxruntime baseline\n"
        var table = Table(["CONFIG", "MAAS MEDIAN", "MAAS BEST", "SEQ/S", "ORT MEDIAN", "ORT BEST", "SPEEDUP", "MAX |DIFF|"])
        for row in rows {
            let speedup = row.onnxruntime_median_ms.map { String(format: "%.2fx", $0 / row.engine_median_ms) }
            table.append([
                row.config.description, Self.ms(row.engine_median_ms), Self.ms(row.engine_best_ms),
                Units.grouped(Int(row.engineThroughput.rounded())),
                row.onnxruntime_median_ms.map(Self.ms) ?? "-", row.onnxruntime_best_ms.map(Self.ms) ?? "-",
                speedup ?? "-",
                row.problem ?? row.max_abs_difference.map { Units.value(Float($0)) } ?? "-",
            ])
        }
        return out + table.render() + "SPEEDUP = onnxruntime median / maas median (above 1: maas is faster)\n"
    }

    private static func ms(_ value: Double) -> String {
        String(format: value >= 100 ? "%.1f ms" : "%.3f ms", value)
    }
}
