import ArgumentParser
import Foundation
import MaaSClient
import MaaSProtocol

struct Predict: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run a model on an audio clip or on NumPy .npy inputs and show (or save) its answer.",
        discussion: """
            An audio clip (WAV, FLAC, OGG/Vorbis, AIFF…, or raw float32 samples with --pcm-rate) is sent as it \
            is; the server decodes it and computes the features with the version's audio front-end. When the \
            version has class labels, the most likely labels are shown first.
            Tensor inputs are .npy files holding float32 or int64 arrays in C order; float64 and int32 arrays \
            are converted (with a note on stderr). Outputs are printed with their shape: for a probability row \
            (e.g. a softmax) the most likely classes, otherwise the values. With --output each output is also \
            written to DIR/<output name>.npy.
            """)

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions

    @Argument(help: ArgumentHelp("The model, optionally with a version (latest when omitted).", valueName: "name[:version]"))
    var model: String

    @Argument(help: ArgumentHelp("An audio file for a version with an audio front-end.", valueName: "clip"))
    var clip: String?

    @Option(name: .customLong("input"), help: ArgumentHelp("A model input and the .npy file holding it (repeatable).", valueName: "name=file.npy"))
    var inputs: [String] = []

    @Option(name: .customLong("pcm-rate"), help: ArgumentHelp("The clip is raw little-endian float32 samples at this rate.", valueName: "Hz"))
    var pcmRate: Int?

    @Option(name: .customLong("pcm-channels"), help: ArgumentHelp("Interleaved channels in a raw --pcm-rate clip (default 1).", valueName: "n"))
    var pcmChannels: Int?

    @Option(name: .customLong("top-k"), help: ArgumentHelp("How many labels to show (default: the version's, usually 5).", valueName: "k"))
    var topK: Int?

    @Option(name: .customLong("features"), help: ArgumentHelp("Write the features the server computed from the clip to this .npy file.", valueName: "file.npy"))
    var featuresFile: String?

    @Option(name: .customLong("output"), help: ArgumentHelp("Write each output to DIR/<name>.npy (DIR is created if missing).", valueName: "dir"))
    var outputDirectory: String?

    func validate() throws {
        _ = try ModelReference(parsing: model)
        guard !inputs.isEmpty || clip != nil else {
            throw ValidationError(
                "give an audio clip or at least one --input name=file.npy (`maas versions NAME` lists the model's inputs)")
        }
        if let clip, clip.hasSuffix(".npy") {
            throw ValidationError("\(clip) looks like a tensor: give it as --input NAME=\(clip)")
        }
        if clip == nil && (pcmRate != nil || pcmChannels != nil || featuresFile != nil) {
            throw ValidationError("--pcm-rate, --pcm-channels and --features need an audio clip")
        }
        if let pcmRate, pcmRate < 1 { throw ValidationError("--pcm-rate must be positive, not \(pcmRate)") }
        if let pcmChannels, pcmChannels < 1 { throw ValidationError("--pcm-channels must be positive, not \(pcmChannels)") }
        if pcmChannels != nil && pcmRate == nil { throw ValidationError("--pcm-channels needs --pcm-rate") }
        if let topK, topK < 1 { throw ValidationError("--top-k must be at least 1, not \(topK)") }
        _ = try KeyValue.parseAll(inputs, option: "--input", form: "name=file.npy")
        if let outputDirectory, outputDirectory.isEmpty { throw ValidationError("--output must name a directory") }
    }

    func run() async throws {
        try await CLIError.reporting {
            let reference = try ModelReference(parsing: model)
            let request = PredictRequest(
                name: reference.name, version: reference.version, inputs: try readInputs(), audio: try readClip(),
                includeFeatures: featuresFile != nil, topK: Int32(clamping: topK ?? 0))
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
            let features = try response.features.map { tensor throws(CLIError) in
                do {
                    return try NumpyArray(tensor: tensor)
                } catch {
                    throw CLIError("the server sent features that cannot be read: \(error)", exit: .failure)
                }
            }
            if let featuresFile {
                guard let features else {
                    throw CLIError("the server sent no features (is it older than this client?)", exit: .failure)
                }
                do {
                    try features.write(to: featuresFile)
                } catch {
                    throw CLIError("\(error)", exit: .failure)
                }
            }
            if output.json {
                try JSONOutput.print(PredictionJSON(
                    response: response, outputs: outputs, files: files, features: features, featuresFile: featuresFile))
            } else {
                let out = Terminal.standardOutput
                if let best = response.topClasses.first {
                    out.line("\(response.name) version \(response.version): \(best.label) (\(Units.percent(best.probability)))")
                    let width = response.topClasses.map { $0.label.count }.max() ?? 0
                    for score in response.topClasses {
                        let label = score.label.padding(toLength: width, withPad: " ", startingAt: 0)
                        out.line("  \(label)  \(Units.paddedPercent(score.probability))")
                    }
                } else {
                    out.line("\(response.name) version \(response.version)")
                }
                if !response.transcript.isEmpty { out.line("transcript: \(response.transcript)") }
                for (name, array) in outputs {
                    // With labels shown, the raw scores are one line each; --json and --output have the values.
                    let lines = TensorSummary.lines(name: name, array: array)
                    for line in response.topClasses.isEmpty ? lines : Array(lines.prefix(1)) { out.line(line) }
                    if let path = files[name] { out.line("  written to \(path)") }
                }
                if let features, let featuresFile {
                    out.line("features  \(features.dtype.name) \(Units.shape(features.shape))  written to \(featuresFile)")
                }
            }
        }
    }

    /// The clip's bytes, as a file for the server to decode or as raw samples.
    private func readClip() throws(CLIError) -> PredictRequest.Audio? {
        guard let clip else { return nil }
        let bytes: [UInt8]
        do {
            bytes = try LocalFile.openForReading(clip).readAll(limit: UInt64(Self.maxClipBytes))
        } catch {
            throw CLIError("\(error)", exit: .badInputFile)
        }
        guard let pcmRate else { return .file(bytes) }
        return .pcm(RawAudio(sampleRate: Int32(clamping: pcmRate), channels: Int32(clamping: pcmChannels ?? 1), samples: bytes))
    }

    /// Matches the server's largest frame by default; a larger clip could not be sent anyway.
    static let maxClipBytes = 64 << 20

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
