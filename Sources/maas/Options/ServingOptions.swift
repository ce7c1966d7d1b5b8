import ArgumentParser
import Foundation
import MaaSModelConfig
import MaaSProtocol

/// The serving configuration given at registration: a `model.json` (`--config`) and flags that override
/// parts of it. Parts given neither way are taken by the server from the model file's own metadata.
struct ServingOptions: ParsableArguments {
    enum Profile: String, ExpressibleByArgument, CaseIterable {
        case librosa, speech16k
    }

    enum Layout: String, ExpressibleByArgument, CaseIterable {
        case timeMajor = "time-major", batchMajor = "batch-major", frames

        var featureLayout: FeatureLayout {
            switch self {
            case .timeMajor: .timeMajor
            case .batchMajor: .batchMajor
            case .frames: .frames
            }
        }
    }

    enum Decision: String, ExpressibleByArgument, CaseIterable {
        case meanLogProb = "mean-log-prob", lastFrame = "last-frame"

        var clipDecision: ClipDecision { self == .meanLogProb ? .meanLogProb : .lastFrame }
    }

    @Option(help: ArgumentHelp(
        "A JSON file with the audio front-end and class labels: {\"audio\": {...}, \"classes\": {...}} (see README).",
        valueName: "model.json"))
    var config: String?

    @Option(help: ArgumentHelp("Take audio, with this front-end profile's parameters (librosa: 22050 Hz, 20 MFCC; speech16k: 16 kHz, 13 MFCC) for any the config does not give."))
    var profile: Profile?

    @Option(help: ArgumentHelp("How the [T, F] features are shaped for the model; inferred from its input when omitted."))
    var layout: Layout?

    @Option(help: ArgumentHelp("Class labels, comma-separated, in class-index order.", valueName: "a,b,c"))
    var classes: String?

    @Option(name: .customLong("classes-file"), help: ArgumentHelp("Class labels, one per line, in class-index order.", valueName: "file"))
    var classesFile: String?

    @Option(name: .customLong("clip-decision"), help: ArgumentHelp("How per-frame scores become the clip's answer."))
    var clipDecision: Decision?

    @Option(name: .customLong("ctc-blank"), help: ArgumentHelp("Class index of the CTC blank: answers then carry a greedy transcript.", valueName: "index"))
    var ctcBlank: Int?

    @Option(name: .customLong("top-k"), help: ArgumentHelp("Labels returned per prediction (default 5).", valueName: "k"))
    var topK: Int?

    @Option(name: .customLong("max-batch-size"), help: ArgumentHelp("This version's most requests per batch (1: no batching); default the server's.", valueName: "rows"))
    var maxBatchSize: Int?

    @Option(name: .customLong("max-queue-delay-us"), help: ArgumentHelp("How long this version's requests may wait to be batched; default the server's.", valueName: "µs"))
    var maxQueueDelayMicroseconds: Int?

    @Flag(inversion: .prefixedNo, help: ArgumentHelp(
        "Whether this version's requests of different lengths may share a padded batch (where the server's probe allows); default the server's."))
    var batchPadding: Bool?

    /// The version's own batching settings, when a flag gives any.
    var batching: BatchingConfig? {
        guard maxBatchSize != nil || maxQueueDelayMicroseconds != nil || batchPadding != nil else { return nil }
        return BatchingConfig(
            maxBatchSize: Int32(clamping: maxBatchSize ?? 0), maxQueueDelayMicroseconds: maxQueueDelayMicroseconds.map(Int64.init),
            padSequences: batchPadding)
    }

    func validate() throws {
        if let maxBatchSize, !(1...4096).contains(maxBatchSize) {
            throw ValidationError("--max-batch-size must be between 1 and 4096, not \(maxBatchSize)")
        }
        if let maxQueueDelayMicroseconds, !(0...1_000_000).contains(maxQueueDelayMicroseconds) {
            throw ValidationError("--max-queue-delay-us must be between 0 and 1000000, not \(maxQueueDelayMicroseconds)")
        }
        if classes != nil && classesFile != nil {
            throw ValidationError("give the labels with --classes or --classes-file, not both")
        }
        if let topK, topK < 1 { throw ValidationError("--top-k must be at least 1, not \(topK)") }
        if let ctcBlank, ctcBlank < 0 { throw ValidationError("--ctc-blank must be a class index (0 or more), not \(ctcBlank)") }
    }

    /// The config to send: the file's, with the flags applied. nil parts are left to the model file.
    func resolved() throws(CLIError) -> ServingConfig {
        var serving = ServingConfig()
        if let config {
            let bytes: [UInt8]
            do {
                bytes = Array(try Data(contentsOf: URL(fileURLWithPath: config)))
            } catch {
                throw CLIError("cannot read --config \(config): \(error.localizedDescription)", exit: .badInputFile)
            }
            do {
                serving = try ServingConfig(json: bytes, source: config)
            } catch {
                throw CLIError(error.message, exit: .badInputFile)
            }
        }
        if let profile {
            let base = AudioConfig.profiles[profile.rawValue] ?? .librosaDefault
            // Which of the two should win for the keys the file gives is not obvious, so neither does.
            guard serving.audio == nil else {
                throw CLIError("--profile and a config with an \"audio\" section both set the front-end; use one", exit: .usage)
            }
            serving.audio = AudioConfig(features: base)
        }
        if let layout {
            guard var audio = serving.audio else {
                throw CLIError("--layout needs an audio front-end: add --profile or a config with an \"audio\" section", exit: .usage)
            }
            audio.layout = layout.featureLayout
            serving.audio = audio
        }
        if let names = try labelNames() {
            if serving.classes == nil {
                serving.classes = ClassesConfig(names: names)
            } else {
                serving.classes?.names = names
            }
        }
        if clipDecision != nil || ctcBlank != nil || topK != nil {
            guard serving.classes != nil else {
                throw CLIError("--clip-decision, --ctc-blank and --top-k need class labels: add --classes or a config with \"classes\"", exit: .usage)
            }
            if let clipDecision { serving.classes?.clipDecision = clipDecision.clipDecision }
            if let ctcBlank { serving.classes?.ctcBlank = ctcBlank }
            if let topK { serving.classes?.topK = topK }
        }
        do {
            try serving.audio?.validate()
            try serving.classes?.validate()
        } catch {
            throw CLIError(error.message, exit: .usage)
        }
        return serving
    }

    private func labelNames() throws(CLIError) -> [String]? {
        if let classes {
            return classes.split(separator: ",", omittingEmptySubsequences: false).map {
                String($0).trimmingCharacters(in: .whitespaces)
            }
        }
        guard let classesFile else { return nil }
        let text: String
        do {
            text = try String(contentsOfFile: classesFile, encoding: .utf8)
        } catch {
            throw CLIError("cannot read --classes-file \(classesFile): \(error.localizedDescription)", exit: .badInputFile)
        }
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map {
            String($0).trimmingCharacters(in: CharacterSet(charactersIn: "\r"))
        }
        while lines.last == "" { lines.removeLast() }
        return lines
    }
}
