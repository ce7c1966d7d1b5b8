// Swift half of Benchmarks/bench_vs_onnxruntime.sh: times the reference model on MaaSEngine's kernels
// with the weights, inputs and thread count onnxruntime_side.py used, and prints both side by side.
import Foundation
import MaaSEngineKernels

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("KernelBench: \(message)\n".utf8))
    exit(1)
}

func readFloats(_ url: URL) -> [Float] {
    guard let data = try? Data(contentsOf: url), data.count % 4 == 0 else { fail("cannot read \(url.path)") }
    return data.withUnsafeBytes { raw in
        (0..<(data.count / 4)).map { Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 4 * $0, as: UInt32.self))) }
    }
}

let arguments = CommandLine.arguments
guard arguments.count >= 2 else { fail("usage: KernelBench DATA_DIR [ITERATIONS]") }
let directory = URL(fileURLWithPath: arguments[1])
let iterations = arguments.count > 2 ? Int(arguments[2]) ?? 50 : 50
guard let reportData = try? Data(contentsOf: directory.appendingPathComponent("onnxruntime.json")),
      let report = try? JSONSerialization.jsonObject(with: reportData) as? [String: Any],
      let threads = report["threads"] as? Int, let configs = report["configs"] as? [[String: Any]]
else { fail("cannot read onnxruntime.json in \(directory.path)") }

let weights = KernelBenchmark.ReferenceWeights(
    lstmW: readFloats(directory.appendingPathComponent("lstm_W.bin")),
    lstmR: readFloats(directory.appendingPathComponent("lstm_R.bin")),
    lstmB: readFloats(directory.appendingPathComponent("lstm_B.bin")),
    dense1W: readFloats(directory.appendingPathComponent("dense1_W.bin")),
    dense1B: readFloats(directory.appendingPathComponent("dense1_b.bin")),
    dense2W: readFloats(directory.appendingPathComponent("dense2_W.bin")),
    dense2B: readFloats(directory.appendingPathComponent("dense2_b.bin")))
if let problem = weights.shapeProblem { fail(problem) }

let coreType = ProcessInfo.processInfo.environment["OPENBLAS_CORETYPE"] ?? "unset (OpenBLAS autodetects)"
print("reference speech model, \(threads) thread(s), onnxruntime \(report["onnxruntime"] ?? "?"), \(iterations) runs each,"
      + " OPENBLAS_CORETYPE=\(coreType)")
print("frames batch | maas median (best) | ort median (best)  | ort/maas median (best) | maas seq/s |  ort seq/s | max |diff|")
for config in configs {
    guard let frames = config["frames"] as? Int, let batch = config["batch"] as? Int,
          let inputFile = config["input"] as? String, let expectedFile = config["expected"] as? String,
          let ortMedian = config["median"] as? Double, let ortSeconds = config["seconds"] as? [Double]
    else { fail("malformed config in onnxruntime.json") }
    let input = readFloats(directory.appendingPathComponent(inputFile))
    let expected = readFloats(directory.appendingPathComponent(expectedFile))
    let ours = KernelBenchmark.runReferenceModel(
        weights: weights, input: input, frames: frames, batch: batch, threads: threads, iterations: iterations)
    let difference = zip(ours.output, expected).map { abs($0 - $1) }.max() ?? .infinity
    let ortBest = ortSeconds.min() ?? ortMedian, ourBest = ours.seconds.first ?? ours.median
    print(String(format: "%6d %5d | %7.3f (%7.3f) ms | %7.3f (%7.3f) ms | %6.2fx (%6.2fx)       | %10.1f | %10.1f | %.1e",
                 frames, batch, ours.median * 1000, ourBest * 1000, ortMedian * 1000, ortBest * 1000,
                 ortMedian / ours.median, ortBest / ourBest, ours.throughput, Double(batch) / ortMedian,
                 Double(difference)))
}
print("ort/maas > 1 means maas is faster.")
