import Foundation
import MaaSClient
import MaaSModelConfig
import MaaSProtocol

@testable import MaaSServer

// MARK: the corpus

/// One call of the fuzz: its payload, and what its answer must be.
struct Mutant: Sendable {
    let label: String
    /// The valid request it was made from (an index into the bases).
    let base: Int
    let payload: [UInt8]
    /// The base's answer is required: a valid call, or an encoding protobuf says means the same.
    let answersAsBase: Bool

    init(label: String, base: Int, payload: [UInt8], answersAsBase: Bool = false) {
        self.label = label
        self.base = base
        self.payload = payload
        self.answersAsBase = answersAsBase
    }

    init(valid base: Int, label: String, bases: [MutationBase]) {
        self.init(label: "\(label): valid \(bases[base].label)", base: base, payload: bases[base].request.serializedBytes(),
                  answersAsBase: true)
    }

    /// The label and the payload, whole when short enough to paste.
    func describe() -> String {
        let hex = payload.prefix(2048).map { String(format: "%02x", $0) }.joined()
        return "\(label) [\(payload.count) bytes: \(hex)\(payload.count > 2048 ? "…" : "")]"
    }
}

/// The valid requests the mutations start from, and the models they are for.
struct MutationBase: Sendable {
    enum Kind: Sendable { case tensor, file, pcm }

    let label: String
    let request: PredictRequest
    let kind: Kind

    /// A 50 ms 440 Hz tone at 16 kHz, as raw PCM.
    static let tone: [UInt8] = (0..<800).map { Float(sin(Double($0) * 2 * .pi * 440 / 16000) * 0.5) }
        .withUnsafeBytes { Array($0) }

    static func all() throws -> [MutationBase] {
        let runs = try MLPFixture.expected().runs
        let blip = try AudioFixture.bytes("blip_16k_50ms.flac")
        let wav = try AudioFixture.bytes("speech_16k.wav")
        let pcm = RawAudio(sampleRate: 16000, channels: 1, samples: tone)
        return runs.indices.map {
            MutationBase(
                label: "mlp run \($0)", request: MLPFixture.predictRequest(name: "mlp", run: runs[$0]), kind: .tensor)
        } + [
            MutationBase(label: "kws FLAC", request: PredictRequest(name: "kws", audio: .file(blip)), kind: .file),
            MutationBase(label: "kws WAV", request: PredictRequest(name: "kws", audio: .file(wav)), kind: .file),
            MutationBase(label: "kws PCM", request: PredictRequest(name: "kws", audio: .pcm(pcm)), kind: .pcm),
            MutationBase(label: "speech FLAC", request: PredictRequest(name: "speech", audio: .file(blip)), kind: .file),
            MutationBase(
                label: "speech PCM", request: PredictRequest(name: "speech", audio: .pcm(pcm), topK: 3), kind: .pcm),
        ]
    }

    /// mlp (the tensor classifier), kws (the 16 kHz keyword model, labelled, not batchable: its batch axis is
    /// fixed) and speech (the reference LSTM, labelled, batchable); `batching` for mlp and speech.
    static func register(on client: MaaSClient, batching: BatchingConfig?) async throws {
        _ = try await client.registerModel(
            header: ModelHeader(name: "mlp", format: .onnx, batching: batching),
            fileAt: MLPFixture.directory.appendingPathComponent("mlp.onnx").path, chunkSize: 1 << 16)
        _ = try await AudioFixture.register(
            .timeMajor, as: AudioFixture.header("kws", classes: AudioFixture.labels(.timeMajor)), on: client)
        var speech = AudioFixture.header(
            "speech", audio: AudioConfig(features: .librosaDefault, layout: .timeMajor).frontEnd,
            classes: ClassLabels(names: (0..<10).map { "c\($0)" }))
        speech.batching = batching
        _ = try await client.registerModel(
            header: speech, fileAt: EngineModelFixtures.path("reference_speech"), chunkSize: 1 << 16)
    }
}

extension PredictResponse {
    /// The same answer up to 1e-5 per value: a batch may sum in another order than a call alone.
    func answers(like other: PredictResponse) -> Bool {
        func close(_ a: Tensor?, _ b: Tensor?) -> Bool {
            guard let a, let b else { return a == nil && b == nil }
            return a.dtype == b.dtype && a.shape == b.shape && maxDifference(a.floatValues(), b.floatValues()) <= 1e-5
        }
        return name == other.name && version == other.version && transcript == other.transcript
            && outputs.map(\.name) == other.outputs.map(\.name)
            && zip(outputs, other.outputs).allSatisfy { close($0.tensor, $1.tensor) }
            && topClasses.map(\.index) == other.topClasses.map(\.index)
            && topClasses.map(\.label) == other.topClasses.map(\.label)
            && maxDifference(topClasses.map(\.probability), other.topClasses.map(\.probability)) <= 1e-5
            && close(features, other.features)
    }
}

extension Array<UInt8> {
    var hex: String { map { String(format: "%02x", $0) }.joined() }
}
