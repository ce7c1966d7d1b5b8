import ArgumentParser
import MaaSClient
import MaaSEngine

struct Bench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Time a model on this machine through the engine, beside onnxruntime.",
        discussion: """
            Compiles the model as registration does, memory-maps the plan, and times LoadedModel.run for each \
            FRAMESxBATCH configuration on seeded random inputs: median and best of --iterations runs after \
            --warmup. For an ONNX model the same inputs are run by onnxruntime (python3 with onnxruntime and \
            numpy) with the same thread count, and the largest output difference is shown. Input shapes: fixed \
            sizes as declared; an input with two dynamic dimensions is taken as [T, B, …] (time-major, the ONNX \
            RNN default); anything else needs --shape NAME=DIMS with T and B standing for frames and batch, \
            e.g. --shape x=B,20,T. Not a test: it measures and asserts nothing.
            """)

    @Flag(help: "Run the model in this process (required: benchmarking through a server is not implemented).")
    var local = false

    @OptionGroup var output: OutputOptions

    @Argument(help: "The model file (ONNX or maas plan).")
    var file: String

    @Option(help: ArgumentHelp("Comma-separated FRAMESxBATCH points.", valueName: "list"))
    var configs = "44x1,100x1,44x32,100x32"

    @Option(help: "BLAS threads for the engine, and intra-op threads for onnxruntime.")
    var threads = 1

    @Option(help: "Timed runs per configuration.")
    var iterations = 50

    @Option(help: "Untimed runs before them.")
    var warmup = 5

    @Option(name: .customLong("shape"), help: ArgumentHelp("An input's shape, dims as numbers, T or B (repeatable).", valueName: "name=dims"))
    var shapes: [String] = []

    @Flag(inversion: .prefixedNo, help: "Run onnxruntime beside the engine (ONNX models only).")
    var onnxruntime = true

    func validate() throws {
        guard local else {
            throw ValidationError("pass --local: bench runs the model in this process; benchmarking a server is not implemented")
        }
        _ = try BenchConfig.parseList(configs)
        guard (1...256).contains(threads) else { throw ValidationError("--threads must be in 1…256, not \(threads)") }
        guard (1...100_000).contains(iterations) else { throw ValidationError("--iterations must be in 1…100000") }
        guard (0...100_000).contains(warmup) else { throw ValidationError("--warmup must be in 0…100000") }
        for pair in try KeyValue.parseAll(shapes, option: "--shape", form: "name=dims") {
            _ = try ShapeTemplate(parsing: pair.value, input: pair.key)
        }
    }

    func run() async throws {
        BLASEnvironment.selectCoreTypeOrReexec()
        try await CLIError.reporting {
            let points = try BenchConfig.parseList(configs)
            EngineThreads.setBLASThreads(threads)
            let bench = try EngineBenchmark.load(path: file)
            let templates = try shapeTemplates(for: bench.model.inputs)

            var rows: [BenchRow] = []
            var fed: [[String: NumpyArray]] = []
            for (index, point) in points.enumerated() {
                let inputs = bench.inputs(for: point, templates: templates, seed: 1000 + UInt64(index))
                let measurement = try bench.measure(inputs, iterations: iterations, warmup: warmup)
                rows.append(BenchRow(config: point, engine: measurement))
                fed.append(inputs.mapValues(Self.numpy))
            }
            var runtime: String?
            if onnxruntime, bench.isONNX {
                runtime = compareWithOnnxRuntime(&rows, inputs: fed)
            }
            let report = BenchReport(file: file, threads: threads, iterations: iterations, warmup: warmup, onnxruntime: runtime, rows: rows)
            if output.json {
                try JSONOutput.print(report)
            } else {
                Terminal.standardOutput.write(report.text())
            }
        }
    }

    /// Fills in onnxruntime's times and the output differences; returns its version, or nil (with a note on
    /// stderr) when it cannot run here.
    private func compareWithOnnxRuntime(_ rows: inout [BenchRow], inputs: [[String: NumpyArray]]) -> String? {
        let baseline: OnnxRuntimeBaseline
        let report: OnnxRuntimeBaseline.Report
        do {
            baseline = try OnnxRuntimeBaseline()
            defer { baseline.removeFiles() }
            report = try baseline.run(model: file, inputs: inputs, threads: threads, iterations: iterations, warmup: warmup)
            for (index, result) in report.results.enumerated() where index < rows.count {
                rows[index].attach(result)
            }
        } catch {
            Terminal.standardError.line("note: no onnxruntime baseline: \(error.message)")
            return nil
        }
        return report.version
    }

    private func shapeTemplates(for inputs: [TensorSignature]) throws(CLIError) -> [String: ShapeTemplate] {
        var given: [String: ShapeTemplate] = [:]
        do {
            for pair in try KeyValue.parseAll(shapes, option: "--shape", form: "name=dims") {
                given[pair.key] = try ShapeTemplate(parsing: pair.value, input: pair.key)
            }
        } catch {
            throw CLIError("\(error)", exit: .usage)
        }
        if let unknown = given.keys.first(where: { name in !inputs.contains { $0.name == name } }) {
            throw CLIError("--shape names '\(unknown)', which is not an input; inputs: \(inputs.map(\.description).joined(separator: ", "))", exit: .usage)
        }
        var templates: [String: ShapeTemplate] = [:]
        for input in inputs {
            guard let template = given[input.name] ?? ShapeTemplate.inferred(from: input.shape) else {
                throw CLIError(
                    "cannot tell time from batch in input \(input)",
                    hint: "say which is which, e.g. --shape \(input.name)=\(Self.suggestion(input.shape))", exit: .usage)
            }
            guard template.dims.count == input.shape.count else {
                throw CLIError("--shape \(input.name)=\(template.text) has \(template.dims.count) dimensions; \(input) has \(input.shape.count)", exit: .usage)
            }
            templates[input.name] = template
        }
        return templates
    }

    private static func suggestion(_ shape: [Int]) -> String {
        var letters = ["B", "T"]
        return shape.map { $0 >= 0 ? String($0) : (letters.isEmpty ? "1" : letters.removeFirst()) }.joined(separator: ",")
    }

    private static func numpy(_ tensor: HostTensor) -> NumpyArray {
        if let ints = tensor.int64s { return NumpyArray(shape: tensor.shape, int64s: ints) }
        return NumpyArray(shape: tensor.shape, floats: tensor.floats ?? [])
    }
}
