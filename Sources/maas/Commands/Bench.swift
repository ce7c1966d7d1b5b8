import ArgumentParser
import MaaSClient
import MaaSEngine
import MaaSProtocol

struct Bench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Load a running server with Predict calls, or (--local) time a model in this process beside onnxruntime.",
        discussion: """
            Against a server: `maas bench NAME[:VERSION] --input NAME=FILE.npy … | --audio CLIP …`. One Predict \
            checks each request; then --concurrency calls are kept in flight at all times (closed loop) over \
            --connections connections, every call sending a prebuilt request (several --audio clips in turn), for --duration or \
            --requests after --warmup. Reports successful calls per second, latency percentiles of successful \
            calls (HdrHistogram, 3 significant digits), failures by status (counted, not fatal), and CPU per \
            request of the server (from /proc, when it runs on this machine: --server-pid, or the process \
            listening on --port) and of this process, so you can tell whether the generator kept up. A live \
            line on stderr shows progress when stderr is a terminal; Ctrl-C ends the measurement early and \
            still reports.

            --local FILE: compiles the model as registration does, memory-maps the plan, and times \
            LoadedModel.run for each FRAMESxBATCH configuration on seeded random inputs: median and best of \
            --iterations runs after --warmup (--json adds the 99th percentile). For an ONNX model the same \
            inputs are run by onnxruntime (python3 with onnxruntime and numpy) with the same thread count, \
            and the largest output difference is shown. Input shapes: fixed sizes as declared; an input with \
            two dynamic dimensions is taken as [T, B, …] (time-major, the ONNX RNN default); anything else \
            needs --shape NAME=DIMS with T and B standing for frames and batch, e.g. --shape x=B,20,T. Not a \
            test: it measures and asserts nothing.
            """)

    @Flag(help: "Run the model file in this process instead of loading a server.")
    var local = false

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions

    @Argument(help: ArgumentHelp(
        "The registered model, optionally with a version; with --local, the model file (ONNX or maas plan).",
        valueName: "name[:version] | file"))
    var file: String

    @Option(help: ArgumentHelp(
        "Untimed work before measuring: a time for a server (2s, 500ms; a bare number is seconds; default 2s), a number of runs with --local (default 5).",
        valueName: "time | runs"))
    var warmup: String?

    // Against a server.

    @Option(name: .customLong("input"), help: ArgumentHelp("A model input and the .npy file holding it (repeatable).", valueName: "name=file.npy"))
    var inputs: [String] = []

    @Option(help: ArgumentHelp(
        "An audio clip to send, for a version with an audio front-end (repeatable: calls take the clips in turn).",
        valueName: "clip"))
    var audio: [String] = []

    @Option(help: ArgumentHelp("Calls in flight at all times (default 8).", valueName: "n"))
    var concurrency: Int?

    @Option(help: ArgumentHelp("Connections the calls are spread over (default: the smaller of --concurrency and 4).", valueName: "n"))
    var connections: Int?

    @Option(help: ArgumentHelp("How long to measure after warm-up, e.g. 10s, 1m (default 10s).", valueName: "time"))
    var duration: String?

    @Option(help: ArgumentHelp("Measure until this many calls complete after warm-up, instead of --duration.", valueName: "n"))
    var requests: Int?

    @Option(name: .customLong("server-pid"), help: ArgumentHelp(
        "The server's process id, for its CPU time (default: the process listening on --port, when --host is this machine).",
        valueName: "pid"))
    var serverPID: Int32?

    // With --local.

    @Option(help: ArgumentHelp("With --local: comma-separated FRAMESxBATCH points (default 44x1,100x1,44x32,100x32).", valueName: "list"))
    var configs: String?

    @Option(help: ArgumentHelp("With --local: BLAS threads for the engine, and intra-op threads for onnxruntime (default 1).", valueName: "n"))
    var threads: Int?

    @Option(help: ArgumentHelp("With --local: timed runs per configuration (default 50).", valueName: "n"))
    var iterations: Int?

    @Option(name: .customLong("shape"), help: ArgumentHelp("With --local: an input's shape, dims as numbers, T or B (repeatable).", valueName: "name=dims"))
    var shapes: [String] = []

    @Flag(inversion: .prefixedNo, help: "With --local: run onnxruntime beside the engine (ONNX models only; default on).")
    var onnxruntime: Bool?

    static let defaultConfigs = "44x1,100x1,44x32,100x32"

    func validate() throws {
        if local {
            try validateLocal()
        } else {
            try validateServer()
        }
    }

    private func validateLocal() throws {
        let serverOnly: [(String, Bool)] = [
            ("--input", !inputs.isEmpty), ("--audio", !audio.isEmpty), ("--concurrency", concurrency != nil),
            ("--connections", connections != nil), ("--duration", duration != nil), ("--requests", requests != nil),
            ("--server-pid", serverPID != nil),
        ]
        if let given = serverOnly.first(where: \.1) {
            throw ValidationError("\(given.0) is for benchmarking a server; it does not apply with --local")
        }
        _ = try BenchConfig.parseList(configs ?? Self.defaultConfigs)
        guard (1...256).contains(localThreads) else { throw ValidationError("--threads must be in 1…256, not \(localThreads)") }
        guard (1...100_000).contains(iterations ?? 50) else { throw ValidationError("--iterations must be in 1…100000") }
        if let warmup, Int(warmup) == nil {
            throw ValidationError("with --local, --warmup is a number of runs, not '\(warmup)'")
        }
        guard (0...100_000).contains(localWarmup) else { throw ValidationError("--warmup must be in 0…100000") }
        for pair in try KeyValue.parseAll(shapes, option: "--shape", form: "name=dims") {
            _ = try ShapeTemplate(parsing: pair.value, input: pair.key)
        }
    }

    private func validateServer() throws {
        let localOnly: [(String, Bool)] = [
            ("--configs", configs != nil), ("--threads", threads != nil), ("--iterations", iterations != nil),
            ("--shape", !shapes.isEmpty), ("--onnxruntime", onnxruntime != nil),
        ]
        if let given = localOnly.first(where: \.1) {
            throw ValidationError("\(given.0) applies to --local only (timing a model file in this process)")
        }
        _ = try ModelReference(parsing: file)
        switch (inputs.isEmpty, audio.isEmpty) {
        case (true, true):
            throw ValidationError("give the request: --input NAME=FILE.npy (repeatable) or --audio CLIP (`maas versions NAME` lists the model's inputs)")
        case (false, false):
            throw ValidationError("give --input or --audio, not both")
        default: break
        }
        _ = try KeyValue.parseAll(inputs, option: "--input", form: "name=file.npy")
        guard (1...4096).contains(serverConcurrency) else {
            throw ValidationError("--concurrency must be between 1 and 4096, not \(serverConcurrency)")
        }
        guard (1...serverConcurrency).contains(serverConnections) else {
            throw ValidationError("--connections must be between 1 and --concurrency (\(serverConcurrency)), not \(serverConnections)")
        }
        if duration != nil && requests != nil { throw ValidationError("give --duration or --requests, not both") }
        if let requests, requests < 1 { throw ValidationError("--requests must be at least 1, not \(requests)") }
        _ = try stop()
        _ = try serverWarmup()
        if let serverPID, serverPID < 1 { throw ValidationError("--server-pid must be a process id, not \(serverPID)") }
    }

    private var localThreads: Int { threads ?? 1 }
    private var localWarmup: Int { warmup.flatMap { Int($0) } ?? 5 }
    private var serverConcurrency: Int { concurrency ?? 8 }
    private var serverConnections: Int { connections ?? min(serverConcurrency, 4) }

    private func stop() throws -> LoadPlan.Stop {
        if let requests { return .requests(requests) }
        guard let length = DurationText.parse(duration ?? "10s"), length > .zero else {
            throw ValidationError("--duration must be a positive time such as 10s, 500ms or 2m, not '\(duration ?? "")'")
        }
        return .duration(length)
    }

    private func serverWarmup() throws -> Duration {
        guard let length = DurationText.parse(warmup ?? "2s") else {
            throw ValidationError("--warmup must be a time such as 2s, 500ms or 0, not '\(warmup ?? "")'")
        }
        return length
    }

    func run() async throws {
        if local {
            try await runLocal()
        } else {
            try await runServer()
        }
    }

    private func runServer() async throws {
        try await CLIError.reporting {
            let benchmark = ServerBenchmark(
                reference: try ModelReference(parsing: file), input: try serverInput(),
                plan: LoadPlan(
                    payloads: [], concurrency: serverConcurrency, warmup: try serverWarmup(), stop: try stop(),
                    timeout: connection.callTimeout),
                connections: serverConnections, address: connection.address, serverPID: serverPID)
            let report = try await benchmark.run()
            if output.json {
                try JSONOutput.print(report)
            } else {
                Terminal.standardOutput.write(report.text())
            }
        }
    }

    private func serverInput() throws(CLIError) -> ServerBenchmark.Input {
        if !audio.isEmpty {
            var clips: [[UInt8]] = []
            for path in audio {
                do {
                    clips.append(try LocalFile.openForReading(path).readAll(limit: UInt64(Predict.maxClipBytes)))
                } catch {
                    throw CLIError("\(error)", exit: .badInputFile)
                }
            }
            return .audio(clips)
        }
        let pairs: [(key: String, value: String)]
        do {
            pairs = try KeyValue.parseAll(inputs, option: "--input", form: "name=file.npy").map { ($0.key, $0.value) }
        } catch {
            throw CLIError("\(error)", exit: .usage)
        }
        var tensors: [NamedTensor] = []
        for pair in pairs {
            do throws(NumpyError) {
                tensors.append(NamedTensor(name: pair.key, tensor: try NumpyArray(contentsOf: pair.value).tensor))
            } catch {
                throw CLIError(error, input: pair.key)
            }
        }
        return .tensors(tensors)
    }

    private func runLocal() async throws {
        BLASEnvironment.selectCoreTypeOrReexec()
        let threads = localThreads
        let iterations = self.iterations ?? 50
        let warmup = localWarmup
        try await CLIError.reporting {
            let points = try BenchConfig.parseList(configs ?? Self.defaultConfigs)
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
            if onnxruntime ?? true, bench.isONNX {
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
            report = try baseline.run(model: file, inputs: inputs, threads: localThreads, iterations: iterations ?? 50, warmup: localWarmup)
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
