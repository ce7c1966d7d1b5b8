import ArgumentParser
import Foundation
import MaaSClient
import MaaSProtocol

struct Evaluate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Measure a model's accuracy on a folder of labelled audio clips.",
        discussion: """
            DIR holds one subdirectory per label (`DIR/yes/…`, `DIR/no/…`); every file directly in it is a \
            clip of that label, as for `maas train` (names starting with '.' are skipped). Each clip is sent as it is (WAV, \
            FLAC, OGG, AIFF…) to Predict on the server, and the top class is compared with the directory's \
            name. The version must have an audio front-end and class labels. A directory whose name is not \
            one of the version's labels stops the run before anything is sent, unless --ignore-unknown-labels \
            leaves it out.

            Prints accuracy, per-class precision, recall and F1 with their macro and support-weighted \
            averages (scikit-learn's definitions, 0 where a ratio has nothing to divide by), and the confusion \
            matrix (rows: true label, columns: predicted). Classes with no clips that the model never \
            answered are left out, as scikit-learn does without labels=. A clip whose call fails is counted \
            and listed, and the run goes on; a lost connection stops it.

            With --min-accuracy X the command exits with status \(ExitStatus.belowMinimumAccuracy.rawValue) \
            when accuracy, counting failed clips as wrong, is below X.
            """)

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions

    @Argument(help: ArgumentHelp("The model, optionally with a version (latest when omitted).", valueName: "name[:version]"))
    var model: String

    @Option(help: ArgumentHelp("The labelled clips: one subdirectory per label.", valueName: "dir"))
    var data: String

    @Option(help: ArgumentHelp("Calls in flight at once.", valueName: "n"))
    var concurrency = 2 * ProcessInfo.processInfo.activeProcessorCount

    @Option(help: ArgumentHelp(
        "Exit with status \(ExitStatus.belowMinimumAccuracy.rawValue) when accuracy (failed clips counted as wrong) is below this fraction.",
        valueName: "0…1"))
    var minAccuracy: Double?

    @Flag(help: "Leave out label directories the model has no label for, instead of stopping.")
    var ignoreUnknownLabels = false

    func validate() throws {
        _ = try ModelReference(parsing: model)
        guard !data.isEmpty else { throw ValidationError("--data must name a directory") }
        guard (1...1024).contains(concurrency) else {
            throw ValidationError("--concurrency must be between 1 and 1024, not \(concurrency)")
        }
        if let minAccuracy {
            guard minAccuracy.isFinite, (0...1).contains(minAccuracy) else {
                throw ValidationError("--min-accuracy is a fraction between 0 and 1 (0.95 for 95%), not \(minAccuracy)")
            }
        }
    }

    func run() async throws {
        var passed = true
        try await CLIError.reporting {
            let reference = try ModelReference(parsing: model)
            let dataset = try ClipDataset.scan(data)
            guard !dataset.clips.isEmpty else {
                throw CLIError(
                    "no clips in '\(data)'", hint: "--data needs one subdirectory per label, with the clips in them",
                    exit: .badInputFile)
            }
            let summary = try await connection.withClient { client in
                let version = try await resolve(reference, client: client)
                let classes = try Self.classes(of: version, dataLabels: dataset.labels)
                var clips = dataset.clips
                if !classes.unknown.isEmpty {
                    guard ignoreUnknownLabels else {
                        throw CLIError(
                            "\(reference.name) version \(version.version) has no label for the data's "
                                + "\(classes.unknown.joined(separator: ", ")) (its labels: \(classes.names.joined(separator: ", ")))",
                            hint: "rename the directories, or pass --ignore-unknown-labels to leave them out", exit: .badInputFile)
                    }
                    let unknown = Set(classes.unknown)
                    clips.removeAll { unknown.contains($0.label) }
                    Terminal.standardError.line("note: leaving out \(classes.unknown.joined(separator: ", ")) (not labels of the model)")
                    guard !clips.isEmpty else { throw CLIError("no clips left to evaluate", exit: .badInputFile) }
                }
                let evaluator = ClipEvaluator(
                    client: client, model: reference.name, version: version.version, classes: classes,
                    concurrency: concurrency, timeout: connection.callTimeout, target: connection.address.display)
                let result = try await evaluator.run(clips, progress: ClipProgress.ifUseful(total: clips.count))
                return EvaluationSummary(
                    model: reference.name, version: version.version, data: data, result: result,
                    skippedLabels: classes.unknown, minimumAccuracy: minAccuracy)
            }
            if output.json {
                try JSONOutput.print(EvaluationJSON(summary: summary))
            } else {
                Terminal.standardOutput.write(summary.text())
            }
            if let minAccuracy, !summary.passed {
                passed = false
                Terminal.standardError.line(
                    "error: accuracy \(Self.percent(summary.result.strictAccuracy)) (failed clips counted as wrong) "
                        + "is below --min-accuracy \(Self.percent(minAccuracy))")
            }
        }
        if !passed { throw ExitCode(ExitStatus.belowMinimumAccuracy.rawValue) }
    }

    /// The version to evaluate, pinned to its number.
    private func resolve(_ reference: ModelReference, client: MaaSClient) async throws(CLIError) -> ModelVersion {
        let versions: [ModelVersion]
        do throws(RPCError) {
            versions = try await client.listVersions(name: reference.name, timeout: connection.callTimeout)
        } catch {
            let hint = error.code == .notFound ? "`maas register \(reference.name) FILE` uploads its first version" : nil
            throw CLIError(error, hint: hint, target: connection.address.display)
        }
        let found = reference.version == 0 ? versions.first : versions.first { $0.version == reference.version }
        guard let found else {
            throw CLIError(
                "NOT_FOUND: \(reference.name) has no version \(reference.version)",
                hint: "`maas versions \(reference.name)` lists what is registered", exit: .notFound)
        }
        return found
    }

    private static func classes(of version: ModelVersion, dataLabels: [String]) throws(CLIError) -> ModelClasses {
        let name = "\(version.name) version \(version.version)"
        guard version.audio != nil else {
            throw CLIError(
                "\(name) has no audio front-end, so it cannot be sent audio clips",
                hint: "register the model with an audio configuration (`maas register --help`)", exit: .invalid)
        }
        guard let names = version.classes?.names, !names.isEmpty else {
            throw CLIError(
                "\(name) has no class labels, so its answers cannot be compared with the directory names",
                hint: "register the model with its class labels (`maas register --help`)", exit: .invalid)
        }
        return ModelClasses(names: names, dataLabels: dataLabels)
    }

    /// `93.5%`.
    private static func percent(_ fraction: Double) -> String { Units.oneDecimal(fraction * 100) + "%" }
}
