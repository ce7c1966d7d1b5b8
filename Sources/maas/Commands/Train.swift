import ArgumentParser
import Foundation
import MaaSAudio
import MaaSClient
import MaaSEngine
import MaaSModelConfig
import MaaSProtocol
import MaaSTraining

struct Train: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Train the reference speech network on DIR/<label>/<clip> audio and write a model ready to serve.",
        discussion: """
            Labels are the sorted subdirectories of --data; each clip goes through the serving front-end (MFCC as \
            --config's "audio" object gives it, by default the 16 kHz speech profile). The network is \
            MFCC → LSTM → per-frame Dense(ReLU) → Dense → softmax per frame, trained with Adam on the cross-entropy \
            of the clip decision. The written .maas file carries the front-end and the labels, so `maas register` \
            needs nothing else. A run is bit-reproducible for a given --seed on the same machine.
            """)

    @Option(help: ArgumentHelp("Training clips: DIR/<label>/<clip>, any audio format maas decodes.", valueName: "dir"))
    var data: String

    @Option(help: ArgumentHelp("Validation clips with the same labels (instead of --val-split).", valueName: "dir"))
    var val: String?

    @Option(name: .customLong("val-split"), help: ArgumentHelp("Fraction of each label held out for validation when --val is not given.", valueName: "fraction"))
    var valSplit = 0.1

    @Option(help: ArgumentHelp("Held-out clips to measure the written model on at the end (as the server would classify them).", valueName: "dir"))
    var test: String?

    @Option(help: ArgumentHelp("Where to write the model (native .maas plan).", valueName: "file"))
    var output: String

    @Option(help: ArgumentHelp("Also write the model as ONNX.", valueName: "file"))
    var onnx: String?

    @Option(help: ArgumentHelp("A model.json whose \"audio\" object sets the MFCC front-end (default: the speech16k profile).", valueName: "file"))
    var config: String?

    @OptionGroup var hyperparameters: HyperparameterOptions

    @Option(name: .customLong("augment-speed"), parsing: .upToNextOption, help: ArgumentHelp(
        "Also train on every training clip played at these speeds (e.g. 0.9 1.1): more voices, pitches and tempos.",
        valueName: "factor"))
    var speedFactors: [Double] = []

    @Option(name: .customLong("checkpoint-dir"), help: ArgumentHelp("Save the whole run state here after every epoch.", valueName: "dir"))
    var checkpointDirectory: String?

    @Flag(help: "Continue the run saved in --checkpoint-dir (same data and settings; --epochs may be raised).")
    var resume = false

    @Option(help: ArgumentHelp("Register the written model under this name on the server at --host/--port.", valueName: "name"))
    var register: String?

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var outputOptions: OutputOptions

    func validate() throws {
        guard !data.isEmpty, !output.isEmpty else { throw ValidationError("--data and --output must not be empty") }
        guard valSplit.isFinite, (0..<1).contains(valSplit) else {
            throw ValidationError("--val-split must be at least 0 and below 1, not \(valSplit)")
        }
        for factor in speedFactors where !(factor.isFinite && (0.5...2).contains(factor) && factor != 1) {
            throw ValidationError("--augment-speed factors must be between 0.5 and 2 and not 1, not \(factor)")
        }
        if resume, checkpointDirectory == nil { throw ValidationError("--resume needs --checkpoint-dir") }
        if let register {
            do { try ModelName.validate(register) } catch { throw ValidationError(error.message) }
        }
    }

    func run() async throws {
        BLASEnvironment.selectCoreTypeOrReexec()
        try await CLIError.reporting {
            let audio = try frontEnd()
            let extractor: FeatureExtractor
            do { extractor = try FeatureExtractor(audio) } catch { throw CLIError("audio front-end: \(error)", exit: .usage) }
            let resumed = try resume ? loadCheckpoint() : nil
            let configuration: TrainingConfiguration
            do {
                configuration = try hyperparameters.configuration(over: resumed?.configuration ?? TrainingConfiguration())
            } catch {
                throw CLIError("\(error)", exit: .usage)
            }
            if let resumed, !configuration.canResume(from: resumed.configuration) {
                throw CLIError("the settings differ from the checkpoint's; only --epochs may change when resuming", exit: .usage)
            }
            let labels = try library { () throws(TrainingError) in try DatasetLoader.labels(in: data) }
            let all = try load(data, labels: labels, extractor: extractor, what: "train")
            var (train, validation): (LabelledClips, LabelledClips)
            if let val {
                (train, validation) = (all, try load(val, labels: labels, extractor: extractor, what: "val"))
            } else {
                (train, validation) = all.split(validationFraction: valSplit, seed: configuration.seed)
            }
            if !speedFactors.isEmpty {
                let bar = FeatureProgress(label: "speed")
                let copies = try library { () throws(TrainingError) in
                    try DatasetLoader.speedPerturbed(train, factors: speedFactors, extractor: extractor) { bar.update($0, $1) }
                }
                bar.finish(copies.count, directory: "speed factors " + speedFactors.map { "\($0)" }.joined(separator: ", "))
                train = train.appending(copies)
            }
            let trainer = try library { () throws(TrainingError) in
                if var resumed {
                    resumed.configuration.epochs = configuration.epochs
                    return try Trainer(resuming: resumed, train: train, validation: validation.count > 0 ? validation : nil)
                }
                return try Trainer(configuration: configuration, train: train, validation: validation.count > 0 ? validation : nil)
            }
            let note = Terminal.standardError
            note.line("training on \(train.count) clips, validating on \(validation.count), \(labels.count) labels, "
                + "\(ParameterLayout(trainer.network.shape).count) parameters"
                + (trainer.state.epochsCompleted > 0 ? ", resuming after epoch \(trainer.state.epochsCompleted)" : ""))
            try runEpochs(trainer)

            let model = TrainedModel(trainer.state, audio: audio)
            try library { () throws(TrainingError) in
                try model.write(toFileAt: output)
            }
            if let onnx {
                do { try Data(model.onnx()).write(to: URL(fileURLWithPath: onnx)) } catch {
                    throw CLIError("cannot write \(onnx): \(error.localizedDescription)", exit: .failure)
                }
            }
            var summary = TrainingSummary(state: trainer.state, trainClips: train.count, validationClips: validation.count,
                                          output: output, onnx: onnx)
            let served = try loadWritten()
            if validation.count > 0 {
                summary.validation = try evaluate(served, validation, decision: configuration.clipDecision)
            }
            if let test {
                let clips = try load(test, labels: labels, extractor: extractor, what: "test")
                summary.test = try evaluate(served, clips, decision: configuration.clipDecision)
            }
            if let register {
                summary.registered = .init(name: register, version: try await upload(register))
            }
            report(summary)
        }
    }

    private func runEpochs(_ trainer: Trainer) throws(CLIError) {
        let epochs = trainer.state.configuration.epochs
        let batches = trainer.batchesPerEpoch
        var line = EpochProgressLine(epochs: epochs)
        while !trainer.isFinished {
            let record = trainer.runEpoch { line.update($0) }
            line.finish(record, batches: batches, best: trainer.state.best?.epoch == record.epoch)
            if let checkpointDirectory {
                try library { () throws(TrainingError) in try Checkpoint.write(trainer.state, toDirectory: checkpointDirectory) }
            }
        }
        if trainer.state.stoppedEarly, let best = trainer.state.best {
            Terminal.standardError.line("stopped early: no lower validation loss since epoch \(best.epoch); its weights are kept")
        }
    }

    private func frontEnd() throws(CLIError) -> MFCCConfiguration {
        guard let config else { return .speech16k }
        guard let bytes = FileManager.default.contents(atPath: config) else {
            throw CLIError("cannot read --config \(config)", exit: .badInputFile)
        }
        do {
            guard let audio = try ServingConfig(json: [UInt8](bytes), source: config).audio else {
                throw CLIError("\(config) has no \"audio\" object to take the front-end from", exit: .badInputFile)
            }
            return audio.features
        } catch let error as ConfigError {
            throw CLIError(error.message, exit: .badInputFile)
        } catch {
            throw error as? CLIError ?? CLIError("\(error)", exit: .badInputFile)
        }
    }

    private func loadCheckpoint() throws(CLIError) -> TrainingState {
        try library { () throws(TrainingError) in try Checkpoint.read(fromDirectory: checkpointDirectory!) }
    }

    private func load(_ directory: String, labels: [String], extractor: FeatureExtractor, what: String) throws(CLIError) -> LabelledClips {
        let bar = FeatureProgress(label: what)
        let clips = try library { () throws(TrainingError) in
            try DatasetLoader.load(directory, labels: labels, extractor: extractor) { done, total in bar.update(done, total) }
        }
        bar.finish(clips.count, directory: directory)
        guard clips.count > 0 else { throw CLIError("\(directory) holds no clips under \(labels.joined(separator: ", "))", exit: .badInputFile) }
        return clips
    }

    private func loadWritten() throws(CLIError) -> LoadedModel {
        do { return try LoadedModel.load(path: output) } catch { throw CLIError("cannot load the written \(output): \(error)", exit: .failure) }
    }

    private func evaluate(_ model: LoadedModel, _ clips: LabelledClips, decision: ClipDecision) throws(CLIError) -> TrainingSummary.Evaluation {
        let predicted = try library { () throws(TrainingError) in
            try ServedPredictions.predict(model, clips: clips.clips, features: clips.features, decision: decision)
        }
        do {
            return .init(try ClassificationReport(labels: clips.labels, truth: clips.clips.map(\.label), predicted: predicted))
        } catch {
            throw CLIError("\(error)", exit: .failure)
        }
    }

    private func upload(_ name: String) async throws -> Int64 {
        let size = try Register.checkedSize(of: output)
        let header = ModelHeader(name: name, format: .maasPlan, description: "maas train on \(data)", labels: [:],
                                 sizeBytes: size, sha256: try Register.hash(output, size: size))
        return try await connection.withClient { client in
            do throws(RPCError) {
                return try await client.registerModel(header: header, fileAt: output, timeout: connection.callTimeout) { _ in }.version
            } catch {
                throw CLIError(error, target: connection.address.display)
            }
        }
    }

    private func report(_ summary: TrainingSummary) {
        if outputOptions.json {
            try? JSONOutput.print(summary)
            return
        }
        let out = Terminal.standardOutput
        out.write(summary.epochTable)
        out.line("wrote \(output)" + (onnx.map { " and \($0)" } ?? "") + " (\(summary.labels.count) labels, "
            + "\(Units.oneDecimal(summary.training_seconds)) s of training)")
        for (name, evaluation) in [("validation", summary.validation), ("test", summary.test)] {
            guard let evaluation else { continue }
            out.line("\(name): accuracy \(EpochProgressLine.accuracy(evaluation.accuracy)), macro F1 "
                + String(format: "%.3f", evaluation.macro_f1) + " on \(evaluation.clips) clips (compiled model, served clip decision)")
        }
        if let registered = summary.registered { out.line("registered \(registered.name) version \(registered.version)") }
    }

    /// Runs a library call and turns its error into the CLI's one-line report.
    private func library<T>(_ body: () throws(TrainingError) -> T) throws(CLIError) -> T {
        do {
            return try body()
        } catch {
            let exit: ExitStatus = switch error.kind {
            case .invalidData, .io, .invalidCheckpoint: .badInputFile
            case .invalidConfiguration: .usage
            case .export: .failure
            }
            throw CLIError(error.message, exit: exit)
        }
    }
}
