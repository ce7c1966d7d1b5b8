import MaaSClient
import MaaSEngine

#if canImport(Glibc)
import Glibc
#endif

/// The time that `fraction` of the runs (sorted ascending) took at least as long as: 0.01 is the 99th percentile.
func slowest(_ sorted: [Double], fraction: Double) -> Double {
    sorted[min(sorted.count - 1, Int(Double(sorted.count) * (1 - fraction)))]
}

/// Runs a model through the engine as the server does (ONNX compiled to a native plan, the plan memory-mapped,
/// `LoadedModel.run`) and times it.
struct EngineBenchmark {
    let model: LoadedModel
    let isONNX: Bool

    /// Times of the measured runs, sorted ascending, and the outputs of the last run.
    struct Measurement {
        var seconds: [Double]
        var outputs: [String: HostTensor]

        var median: Double { seconds[seconds.count / 2] }
        var best: Double { seconds[0] }
        var p99: Double { slowest(seconds, fraction: 0.01) }
    }

    static func load(path: String) throws(CLIError) -> EngineBenchmark {
        let prefix: [UInt8]
        do {
            prefix = try LocalFile.openForReading(path).read(upTo: 16)
        } catch {
            throw CLIError("\(error)", exit: .badInputFile)
        }
        switch ModelFileFormat.detect(prefix) {
        case .maasPlan:
            return EngineBenchmark(model: try loadPlan(path), isONNX: false)
        case .onnx:
            let plan = "/tmp/maas-bench-\(getpid()).maas"
            do {
                try ModelCompiler.compile(onnxFileAt: path).write(toFileAt: plan)
            } catch {
                throw CLIError("\(path): \(error.message)", exit: error.kind == .internalError ? .failure : .invalid)
            }
            // The mapping outlives the name: the plan file is gone from the directory once loaded.
            defer { unlink(plan) }
            return EngineBenchmark(model: try loadPlan(plan), isONNX: true)
        case nil:
            throw CLIError("'\(path)' is neither an ONNX model nor a maas plan", exit: .badInputFile)
        }
    }

    private static func loadPlan(_ path: String) throws(CLIError) -> LoadedModel {
        do {
            return try LoadedModel.load(path: path)
        } catch {
            throw CLIError("\(path): \(error.message)", exit: .badInputFile)
        }
    }

    /// Seeded inputs for `config`: standard-normal floats, zeros for int64 inputs.
    func inputs(for config: BenchConfig, templates: [String: ShapeTemplate], seed: UInt64) -> [String: HostTensor] {
        var generator = SeededNormal(seed: seed)
        var inputs: [String: HostTensor] = [:]
        for signature in model.inputs {
            let shape = templates[signature.name]!.shape(for: config)
            let count = shape.reduce(1, *)
            switch signature.elementType {
            case .float32: inputs[signature.name] = HostTensor(shape: shape, floats: generator.floats(count))
            case .int64: inputs[signature.name] = HostTensor(shape: shape, int64s: .init(repeating: 0, count: count))
            }
        }
        return inputs
    }

    func measure(_ inputs: [String: HostTensor], iterations: Int, warmup: Int) throws(CLIError) -> Measurement {
        var seconds: [Double] = []
        var outputs: [String: HostTensor] = [:]
        let clock = ContinuousClock()
        for iteration in 0..<(warmup + iterations) {
            let start = clock.now
            do {
                outputs = try model.run(inputs)
            } catch {
                throw CLIError("the model cannot run on these inputs: \(error.message)", hint: "set input shapes with --shape NAME=DIMS", exit: .invalid)
            }
            let elapsed = clock.now - start
            if iteration >= warmup {
                seconds.append(Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18)
            }
        }
        return Measurement(seconds: seconds.sorted(), outputs: outputs)
    }
}
