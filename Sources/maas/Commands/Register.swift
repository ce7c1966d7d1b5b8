import ArgumentParser
import MaaSClient
import MaaSProtocol

struct Register: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Upload a model file as the next version of NAME.",
        discussion: """
            The file is streamed in 1 MiB chunks. Its size and SHA-256 are sent with it so the server can check \
            the upload arrived intact (the digest is computed here unless --sha256 gives it). The server checks \
            that the model parses and compiles before the version becomes visible.

            For audio models, give the front-end and the class labels with --config model.json or the flags \
            below; the server checks they fit the model's input and output. Parts given neither way come from \
            the model file's own metadata (what `maas train` writes).
            """)

    enum FormatChoice: String, ExpressibleByArgument, CaseIterable {
        case onnx, maas

        var modelFormat: ModelFormat { self == .onnx ? .onnx : .maasPlan }
    }

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions
    @OptionGroup(title: "Audio and class labels") var serving: ServingOptions

    @Argument(help: "The model name: 1–128 letters, digits, '.', '_' or '-', not starting with '.'.")
    var name: String

    @Argument(help: "The model file (ONNX or a maas plan).")
    var file: String

    @Option(help: "A description stored with the version.")
    var description = ""

    @Option(name: .customLong("label"), help: ArgumentHelp("A label stored with the version (repeatable).", valueName: "key=value"))
    var labels: [String] = []

    @Option(help: "The file's format; detected by the server when omitted.")
    var format: FormatChoice?

    @Option(help: ArgumentHelp("The file's SHA-256 in hex, if already known (skips hashing it here).", valueName: "hex"))
    var sha256: String?

    func validate() throws {
        do {
            try ModelName.validate(name)
        } catch {
            throw ValidationError(error.message)
        }
        _ = try KeyValue.parseAll(labels, option: "--label", form: "key=value")
        if let sha256 {
            guard sha256.count == 64, sha256.allSatisfy(\.isHexDigit) else {
                throw ValidationError("--sha256 must be 64 hexadecimal digits, got '\(sha256)'")
            }
        }
    }

    func run() async throws {
        try await CLIError.reporting {
            let servingConfig = try serving.resolved()
            let size = try Self.checkedSize(of: file)
            let digest = try sha256?.lowercased() ?? Self.hash(file, size: size)
            let header = ModelHeader(
                name: name, format: format?.modelFormat ?? .unspecified, description: description,
                labels: Dictionary(uniqueKeysWithValues: try KeyValue.parseAll(labels, option: "--label", form: "key=value").map { ($0.key, $0.value) }),
                sizeBytes: size, sha256: digest, audio: servingConfig.audio?.frontEnd, classes: servingConfig.classes?.labels,
                batching: serving.batching)
            let bar = ProgressBar.ifUseful(label: "uploading", total: size)
            let version = try await connection.withClient { client in
                do throws(RPCError) {
                    let version = try await client.registerModel(header: header, fileAt: file, timeout: connection.callTimeout) {
                        bar?.update($0)
                    }
                    bar?.finish(size)
                    return version
                } catch {
                    bar?.finish()
                    throw CLIError(error, target: connection.address.display)
                }
            }
            if output.json {
                try JSONOutput.print(ModelVersionJSON(version))
            } else {
                Self.describe(version)
            }
        }
    }

    /// Checks the file is there and readable before anything is sent, so a typo is a local error (exit 65).
    static func checkedSize(of path: String) throws(CLIError) -> UInt64 {
        do {
            return try LocalFile.openForReading(path).size()
        } catch {
            throw CLIError("\(error)", exit: .badInputFile)
        }
    }

    static func hash(_ path: String, size: UInt64) throws(CLIError) -> String {
        let bar = ProgressBar.ifUseful(label: "hashing  ", total: size, minimum: 64 << 20)
        do {
            let digest = try FileDigest.sha256Hex(path: path) { bar?.update($0) }
            bar?.finish(size)
            return digest
        } catch {
            bar?.finish()
            throw CLIError("\(error)", exit: .badInputFile)
        }
    }

    static func describe(_ version: ModelVersion) {
        let out = Terminal.standardOutput
        out.line("registered \(version.name) version \(version.version)")
        out.line("  format   \(version.format.name), \(Units.bytes(version.sizeBytes)), sha256 \(version.sha256.prefix(12))…")
        out.line("  inputs   \(version.inputs.map(\.summary).joined(separator: ", "))")
        out.line("  outputs  \(version.outputs.map(\.summary).joined(separator: ", "))")
        if let audio = version.audio {
            out.line("  audio    \(ServingSummary.audio(audio)) → input '\(audio.input)'")
        }
        if let classes = version.classes {
            out.line("  classes  \(ServingSummary.classes(classes)) from output '\(classes.output)', \(classes.clipDecision.name)")
        }
        if let batching = version.batching {
            out.line("  batching \(ServingSummary.batching(batching))")
        }
    }
}
