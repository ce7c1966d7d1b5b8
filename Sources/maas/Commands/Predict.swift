import ArgumentParser
import Foundation
import MaaSClient
import MaaSProtocol

struct Predict: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run a model on NumPy .npy inputs and show (or save) its outputs.",
        discussion: """
            Inputs are .npy files holding float32 or int64 arrays in C order; float64 and int32 arrays are \
            converted (with a note on stderr). Outputs are printed with their shape: for a probability row \
            (e.g. a softmax) the most likely classes, otherwise the values. With --output each output is also \
            written to DIR/<output name>.npy.
            """)

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions

    @Argument(help: ArgumentHelp("The model, optionally with a version (latest when omitted).", valueName: "name[:version]"))
    var model: String

    @Option(name: .customLong("input"), help: ArgumentHelp("A model input and the .npy file holding it (repeatable).", valueName: "name=file.npy"))
    var inputs: [String] = []

    @Option(name: .customLong("output"), help: ArgumentHelp("Write each output to DIR/<name>.npy (DIR is created if missing).", valueName: "dir"))
    var outputDirectory: String?

    func validate() throws {
        _ = try ModelReference(parsing: model)
        guard !inputs.isEmpty else {
            throw ValidationError("give at least one --input name=file.npy (`maas versions NAME` lists the model's inputs)")
        }
        _ = try KeyValue.parseAll(inputs, option: "--input", form: "name=file.npy")
        if let outputDirectory, outputDirectory.isEmpty { throw ValidationError("--output must name a directory") }
    }

    func run() async throws {
        try await CLIError.reporting {
            let reference = try ModelReference(parsing: model)
            let request = PredictRequest(name: reference.name, version: reference.version, inputs: try readInputs())
            let response = try await connection.withClient { client in
                do throws(RPCError) {
                    return try await client.predict(request, timeout: connection.callTimeout)
                } catch {
                    let hint = error.code == .notFound ? "`maas versions \(reference.name)` lists what is registered" : nil
                    throw CLIError(error, hint: hint, target: connection.address.display)
                }
            }
            let outputs = try response.outputs.map { named throws(CLIError) in
                do {
                    return (named.name, try NumpyArray(tensor: named.tensor ?? Tensor()))
                } catch {
                    throw CLIError("the server sent output '\(named.name)' that cannot be read: \(error)", exit: .failure)
                }
            }
            let files = try outputDirectory.map { directory throws(CLIError) in try Self.write(outputs, to: directory) } ?? [:]
            if output.json {
                try JSONOutput.print(PredictionJSON(response: response, outputs: outputs, files: files))
            } else {
                Terminal.standardOutput.line("\(response.name) version \(response.version)")
                for (name, array) in outputs {
                    for line in TensorSummary.lines(name: name, array: array) { Terminal.standardOutput.line(line) }
                    if let path = files[name] { Terminal.standardOutput.line("  written to \(path)") }
                }
            }
        }
    }

    private func readInputs() throws -> [NamedTensor] {
        try KeyValue.parseAll(inputs, option: "--input", form: "name=file.npy").map { pair throws(CLIError) in
            let array: NumpyArray
            do throws(NumpyError) {
                array = try NumpyArray(contentsOf: pair.value)
            } catch {
                throw CLIError(error, input: pair.key)
            }
            if let original = array.convertedFrom {
                Terminal.standardError.line(
                    "note: input '\(pair.key)' (\(pair.value)) holds \(Self.dtypeName(original)), sent as \(array.dtype.name)")
            }
            return NamedTensor(name: pair.key, tensor: array.tensor)
        }
    }

    private static func dtypeName(_ descr: String) -> String {
        switch descr {
        case "<f8": "float64"
        case "<i4": "int32"
        default: descr
        }
    }

    /// Writes each output as DIR/<name>.npy. Output names come from the server, so they are reduced to safe
    /// file names: nothing can be written outside DIR.
    static func write(_ outputs: [(String, NumpyArray)], to directory: String) throws(CLIError) -> [String: String] {
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw CLIError("cannot create output directory '\(directory)': \(error.localizedDescription)", exit: .failure)
        }
        var used = Set<String>()
        var files: [String: String] = [:]
        for (name, array) in outputs {
            var base = safeFileName(name)
            var suffix = 2
            while used.contains(base) {
                base = "\(safeFileName(name))-\(suffix)"
                suffix += 1
            }
            used.insert(base)
            let path = (directory.hasSuffix("/") ? directory : directory + "/") + base + ".npy"
            do {
                try array.write(to: path)
            } catch {
                throw CLIError("\(error)", exit: .failure)
            }
            files[name] = path
        }
        return files
    }

    static func safeFileName(_ name: String) -> String {
        var safe = String(name.unicodeScalars.map { scalar -> Character in
            switch scalar {
            case "a"..."z", "A"..."Z", "0"..."9", "_", "-", ".": Character(scalar)
            default: "_"
            }
        })
        if safe.hasPrefix(".") { safe = "_" + safe.dropFirst() }
        return safe.isEmpty ? "output" : String(safe.prefix(200))
    }
}
