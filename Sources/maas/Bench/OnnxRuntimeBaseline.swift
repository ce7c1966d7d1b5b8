import Foundation
import MaaSClient

/// The same benchmark run by onnxruntime in a python3 subprocess, on the very inputs the engine ran (handed
/// over as .npy files), with the same thread count. Its outputs come back as .npy too, so the run also
/// reports how far the engine's outputs are from onnxruntime's.
struct OnnxRuntimeBaseline {
    struct Result: Decodable {
        var seconds: [Double]
        /// Output name → .npy path.
        var outputs: [String: String]

        var median: Double { seconds[seconds.count / 2] }
        var best: Double { seconds[0] }
        var p99: Double { slowest(seconds, fraction: 0.01) }
    }

    struct Report: Decodable {
        var version: String
        var results: [Result]
    }

    private struct Request: Encodable {
        struct Config: Encodable {
            var inputs: [String: String]
            var prefix: String
        }

        var model: String
        var threads: Int
        var iterations: Int
        var warmup: Int
        var configs: [Config]
    }

    let directory: String

    init() throws(CLIError) {
        directory = NSTemporaryDirectory() + "maas-bench-\(getpid())"
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw CLIError("cannot create '\(directory)': \(error.localizedDescription)", exit: .failure)
        }
    }

    func removeFiles() {
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// Runs onnxruntime on `inputs` (one dictionary of arrays per config). Throws with the reason when
    /// python3 or onnxruntime is missing, so the caller can say so and go on without the baseline.
    func run(
        model: String, inputs: [[String: NumpyArray]], threads: Int, iterations: Int, warmup: Int
    ) throws(CLIError) -> Report {
        var configs: [Request.Config] = []
        for (index, arrays) in inputs.enumerated() {
            var files: [String: String] = [:]
            for (name, array) in arrays {
                let path = "\(directory)/c\(index)_in\(files.count).npy"
                do {
                    try array.write(to: path)
                } catch {
                    throw CLIError("\(error)", exit: .failure)
                }
                files[name] = path
            }
            configs.append(.init(inputs: files, prefix: "\(directory)/c\(index)_"))
        }
        let request = Request(model: model, threads: threads, iterations: iterations, warmup: warmup, configs: configs)
        let requestPath = directory + "/request.json"
        let scriptPath = directory + "/onnxruntime_side.py"
        let stdout: Data
        do {
            try JSONEncoder().encode(request).write(to: URL(fileURLWithPath: requestPath))
            try Data(Self.script.utf8).write(to: URL(fileURLWithPath: scriptPath))
            stdout = try runPython([scriptPath, requestPath])
        } catch let error as CLIError {
            throw error
        } catch {
            throw CLIError("onnxruntime baseline: \(error.localizedDescription)", exit: .failure)
        }
        do {
            return try JSONDecoder().decode(Report.self, from: stdout)
        } catch {
            throw CLIError("onnxruntime baseline printed something unexpected: \(error)", exit: .failure)
        }
    }

    private func runPython(_ arguments: [String]) throws -> Data {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3"] + arguments
        // stderr goes to a file, so only one pipe needs draining and a chatty child cannot stall on the other.
        let errorPath = directory + "/stderr.txt"
        _ = FileManager.default.createFile(atPath: errorPath, contents: nil)
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle(forWritingAtPath: errorPath)
        try process.run()
        let output = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            let errors = (try? String(contentsOfFile: errorPath, encoding: .utf8)) ?? ""
            let lastLine = errors.split(separator: "\n").last.map(String.init) ?? "exit status \(process.terminationStatus)"
            throw CLIError("onnxruntime baseline failed: \(lastLine)", exit: .failure)
        }
        return output
    }

    /// The python half. Same session options as the engine's own benchmark script: sequential execution,
    /// `threads` intra-op threads, full graph optimisation, CPU provider.
    static let script = """
        import json, sys, time
        import numpy as np
        import onnxruntime as ort

        spec = json.load(open(sys.argv[1]))
        options = ort.SessionOptions()
        options.intra_op_num_threads = spec["threads"]
        options.inter_op_num_threads = 1
        options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        session = ort.InferenceSession(spec["model"], options, providers=["CPUExecutionProvider"])
        names = [output.name for output in session.get_outputs()]
        results = []
        for config in spec["configs"]:
            feed = {name: np.load(path) for name, path in config["inputs"].items()}
            for _ in range(spec["warmup"]):
                session.run(None, feed)
            seconds = []
            for _ in range(spec["iterations"]):
                start = time.perf_counter()
                values = session.run(None, feed)
                seconds.append(time.perf_counter() - start)
            outputs = {}
            for index, (name, value) in enumerate(zip(names, values)):
                path = config["prefix"] + "out%d.npy" % index
                np.save(path, np.ascontiguousarray(value))
                outputs[name] = path
            results.append({"seconds": sorted(seconds), "outputs": outputs})
        print(json.dumps({"version": ort.__version__, "results": results}))
        """
}
