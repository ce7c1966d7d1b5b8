import Foundation
import MaaSClient
import MaaSModelConfig
import MaaSProtocol
import MaaSServer

/// The speech models, clips and references made by `Fixtures/make_audio_fixtures.py`: librosa's features for
/// each clip and ONNX Runtime's outputs on them, with the tolerances the script derived (see its docstring).
enum AudioFixture {
    struct Values: Decodable {
        let shape: [Int]
        let values: [Float]
    }

    struct Decision: Decodable {
        /// Class indices, best first.
        let order: [Int]
        let probabilities: [Float]
        let tolerance: Float
        /// False when two classes are closer than their tolerances allow to order reliably.
        let orderStable: Bool
    }

    struct Answer: Decodable {
        let output: Values
        let outputTolerance: Float
        let meanLogProb: Decision
        let lastFrame: Decision
        let transcript: String?
        let transcriptStable: Bool?

        func decision(_ kind: ClipDecision) -> Decision { kind == .lastFrame ? lastFrame : meanLogProb }
    }

    struct Clip: Decodable {
        /// "file" (bytes of a WAV or FLAC) or "pcm" (raw little-endian float32).
        let kind: String
        let resampled: Bool
        let sampleRate: Int?
        let channels: Int?
        /// How far maas's MFCCs may be from librosa's: 5e-3, or 0.05 when the clip is resampled.
        let delta: Float
        let features: Values
        let models: [String: Answer]
    }

    struct Manifest: Decodable {
        let classes: [String]
        let ctcNames: [String]
        let metadataClasses: [String]
        let clips: [String]
    }

    /// A fixture model, its tensors' names and the layout registration should infer for it.
    enum Model: String, CaseIterable, Sendable {
        case timeMajor = "time_major"
        case batchMajor = "batch_major"
        case clipLevel = "clip_level"
        case ctcLogits = "ctc_logits"
        case ambiguous
        case withMetadata = "with_metadata"
        /// batch_major's graph on [T, 13].
        case frames
        /// batch_major's graph on exactly 61 frames, what speech_16k.wav makes.
        case fixedFrames = "fixed_frames"
        /// ambiguous's graph on [T, 1, 13] with a second input, gain [1], scaling its logits.
        case twoInputs = "two_inputs"

        var input: String { [.batchMajor, .frames, .fixedFrames].contains(self) ? "features" : "mfcc" }

        var output: String {
            switch self {
            case .batchMajor, .frames, .fixedFrames: "scores"
            case .clipLevel: "clip"
            case .ctcLogits: "logits"
            default: "probs"
            }
        }

        var inputShape: [Int64] {
            switch self {
            case .batchMajor: [1, -1, 13]
            case .ambiguous: [-1, -1, 13]
            case .frames: [-1, 13]
            case .fixedFrames: [1, 61, 13]
            default: [-1, 1, 13]
            }
        }

        /// The model whose references answer for this one: the same graph and weights.
        var reference: String {
            switch self {
            case .withMetadata: Model.timeMajor.rawValue
            case .twoInputs: Model.ambiguous.rawValue
            case .frames, .fixedFrames: Model.batchMajor.rawValue
            default: rawValue
            }
        }

        var path: String { directory.appendingPathComponent(rawValue + ".onnx").path }
    }

    static let directory = MLPFixture.directory.appendingPathComponent("audio")

    static let manifest: Manifest = load("manifest.json")

    static func clip(_ name: String) -> Clip {
        load("expected_" + name.replacingOccurrences(of: ".", with: "_") + ".json")
    }

    static func bytes(_ name: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: directory.appendingPathComponent(name)))
    }

    /// The clip as a Predict sends it: file bytes, or raw PCM with its rate and channel count.
    static func audio(_ name: String) throws -> PredictRequest.Audio {
        let clip = clip(name)
        let data = try bytes(name)
        guard clip.kind == "pcm", let rate = clip.sampleRate, let channels = clip.channels else { return .file(data) }
        return .pcm(RawAudio(sampleRate: Int32(rate), channels: Int32(channels), samples: data))
    }

    /// The 16 kHz speech front-end as the CLI sends it: every parameter explicit, layout left to the server.
    static func frontEnd(layout: FeatureLayout = .unspecified) -> AudioFrontEnd {
        AudioConfig(features: .speech16k, layout: layout).frontEnd
    }

    static func labels(_ model: Model, decision: ClipDecision = .meanLogProb, topK: Int32 = 0) -> ClassLabels {
        model == .ctcLogits
            ? ClassLabels(names: manifest.ctcNames, clipDecision: decision, topK: topK, ctcBlank: 0)
            : ClassLabels(names: manifest.classes, clipDecision: decision, topK: topK)
    }

    static func header(
        _ name: String, audio: AudioFrontEnd? = frontEnd(), classes: ClassLabels? = nil
    ) -> ModelHeader {
        ModelHeader(name: name, format: .onnx, audio: audio, classes: classes)
    }

    /// Registers `model` from its file over `client`.
    static func register(_ model: Model, as header: ModelHeader, on client: MaaSClient) async throws(RPCError) -> ModelVersion {
        try await client.registerModel(header: header, fileAt: model.path, chunkSize: 4096)
    }

    private static func load<T: Decodable>(_ file: String) -> T {
        do {
            return try JSONDecoder().decode(T.self, from: Data(contentsOf: directory.appendingPathComponent(file)))
        } catch {
            fatalError("fixture \(file) is unreadable (rerun make_audio_fixtures.py): \(error)")
        }
    }
}

extension AudioFixture {
    /// Runs a server on `directory` (kept afterwards), so a test can stop it and open the same registry again.
    static func withServer<Result: Sendable>(
        dataDirectory directory: String, _ body: @Sendable (Int) async throws -> Result
    ) async throws -> Result {
        let server = try ModelServer(configuration: TestServer.makeConfiguration(dataDirectory: directory), logger: TestServer.logger)
        let (ports, sink) = AsyncStream<Int>.makeStream()
        let running = Task {
            defer { sink.finish() }
            try await server.run { sink.yield($0) }
        }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next() else {
            try await running.value
            throw CancellationError()
        }
        let result: Result
        do {
            result = try await body(port)
        } catch {
            server.beginShutdown()
            try? await running.value
            throw error
        }
        server.beginShutdown()
        try await running.value
        return result
    }
}

/// Largest |a - b| over two equally long arrays; infinity when their lengths differ.
func maxDifference(_ a: [Float], _ b: [Float]) -> Float {
    guard a.count == b.count else { return .infinity }
    return zip(a, b).reduce(0) { max($0, abs($1.0 - $1.1)) }
}
