import Foundation
import MaaSProtocol
import Testing

@testable import maas

/// `maas register`'s audio and label flags: bad combinations and unreadable files are refused before anything
/// is sent, with the exit code the README lists.
@Suite("ServingOptions")
struct ServingOptionsTests {
    @Test("refuses flag values that cannot work while parsing", arguments: [
        ["--top-k", "0"], ["--ctc-blank", "-1"], ["--max-batch-size", "0"], ["--max-batch-size", "5000"],
        ["--max-queue-delay-us", "-1"], ["--classes", "a,b", "--classes-file", "labels.txt"], ["--profile", "speech8k"],
        ["--layout", "sideways"], ["--clip-decision", "vote"], ["--batch-padding=yes"], ["--no-batch-paddings"],
    ])
    func refusedAtParse(arguments: [String]) {
        #expect(throws: (any Error).self) { _ = try ServingOptions.parse(arguments) }
    }

    @Test("refuses combinations and files that cannot work, with their exit codes", arguments: [
        (["--layout", "time-major"], maas.ExitStatus.usage),
        (["--top-k", "3"], .usage),
        (["--classes", "a,a"], .usage),
        (["--classes", "a,,b"], .usage),
        (["--config", "/nonexistent/model.json"], .badInputFile),
        (["--classes-file", "/nonexistent/labels.txt"], .badInputFile),
    ])
    func refusedWhenResolved(arguments: [String], exit: maas.ExitStatus) throws {
        let options = try ServingOptions.parse(arguments)
        #expect { _ = try options.resolved() } throws: { error in (error as? CLIError)?.exit == exit }
    }

    @Test("a config that is not JSON, or that has an unknown key, is a bad input file naming the problem")
    func badConfigFile() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("maas-serving-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        for (text, wanted) in [("{not json", "not valid JSON"), (#"{"audio": {"n_fft": 512}}"#, "did you mean 'nFFT'?")] {
            let path = directory.appendingPathComponent("model.json").path
            try text.write(toFile: path, atomically: true, encoding: .utf8)
            let options = try ServingOptions.parse(["--config", path])
            #expect { _ = try options.resolved() } throws: { error in
                guard let error = error as? CLIError else { return false }
                return error.exit == .badInputFile && error.message.contains(wanted)
            }
        }
    }

    @Test("flags build the front-end and labels the server gets")
    func resolves() throws {
        let options = try ServingOptions.parse(
            ["--profile", "speech16k", "--layout", "batch-major", "--classes", "yes, no", "--ctc-blank", "1", "--top-k", "2"])
        let config = try options.resolved()
        #expect(config.audio?.features.sampleRate == 16000)
        #expect(config.audio?.frontEnd.layout == .batchMajor)
        #expect(config.classes?.names == ["yes", "no"])
        #expect(config.classes?.ctcBlank == 1)
        #expect(config.classes?.topK == 2)
    }

    @Test("batching flags become the version's own settings; those not given stay the server's", arguments: [
        ([], nil),
        (["--no-batch-padding"], BatchingConfig(padSequences: false)),
        (["--batch-padding", "--max-batch-size", "4"], BatchingConfig(maxBatchSize: 4, padSequences: true)),
        (["--max-queue-delay-us", "0"], BatchingConfig(maxQueueDelayMicroseconds: 0)),
    ] as [([String], BatchingConfig?)])
    func batching(arguments: [String], expected: BatchingConfig?) throws {
        #expect(try ServingOptions.parse(arguments).batching == expected)
    }
}
