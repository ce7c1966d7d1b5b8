import MaaSAudio
import MaaSEngine
import MaaSModelConfig
import MaaSProtocol
import Testing
@testable import MaaSTraining

@Suite("ONNX export")
struct OnnxExportTests {
    static func model(decision: ClipDecision) -> TrainedModel {
        var audio = MFCCConfiguration.speech16k
        audio.nMFCC = 5
        let shape = NetworkShape(features: 5, hidden: 6, dense: 4, classes: 3)
        let network = SpeechNetwork(shape: shape, decision: decision)
        var data = TestData(seed: 51)
        let standardization = FeatureStandardization(mean: data.values(5, scale: 40), scale: data.values(5, scale: 0.05).map { abs($0) + 0.01 })
        return TrainedModel(network: network, parameters: data.parameters(network.layout), standardization: standardization,
                            labels: ["yes", "no", "up"], audio: audio)
    }

    @Test("the engine runs the exported model on raw features exactly as training's forward pass runs on standardised ones",
          arguments: [[9, 9], [1], [14, 3, 7]])
    func engineMatchesForwardPass(lengths: [Int]) throws {
        let trained = Self.model(decision: .meanLogProb)
        let loaded = try LoadedModel.load(bytes: try trained.compiled().serialized())
        var data = TestData(seed: UInt64(lengths.count))
        // Raw MFCC-like values (hundreds of dB in places), which the folded standardisation has to handle.
        let clips = lengths.enumerated().map { i, frames in
            FeatureClip(frames: frames, values: data.values(frames * 5, scale: 200), label: i % 3)
        }
        // The engine needs every row to have the same length: run each clip alone and the equal-length batch whole.
        let groups: [[FeatureClip]] = Set(lengths).count == 1 ? [clips] : clips.map { [$0] }
        for group in groups {
            let raw = Batch(clips: group, features: 5)
            let standardized = Batch(clips: group.map(trained.standardization.apply(to:)), features: 5)
            let ours = trained.network.frameProbabilities(standardized, parameters: trained.parameters)
            let outputs = try loaded.run(["mfcc": HostTensor(shape: [raw.steps, raw.rows, 5], floats: raw.values)])
            let engine = try #require(outputs["probabilities"])
            #expect(engine.shape == [raw.steps, raw.rows, 3])
            let difference = zip(try #require(engine.floats), ours).map { abs($0 - $1) }.max()!
            #expect(difference <= 1e-5, "max |engine − forward| = \(difference)")
        }
    }

    @Test("the plan carries the serving config: time-major mfcc, the labels, the output and the clip decision",
          arguments: ClipDecision.allCases)
    func servingMetadata(decision: ClipDecision) throws {
        let trained = Self.model(decision: decision)
        let compiled = try trained.compiled()
        let config = try ServingConfig(metadata: compiled.metadata)
        #expect(config.audio?.layout == .timeMajor)
        #expect(config.audio?.input == "mfcc")
        #expect(config.audio?.features == trained.audio)
        #expect(config.classes?.names == ["yes", "no", "up"])
        #expect(config.classes?.output == "probabilities")
        #expect(config.classes?.clipDecision == decision)
        #expect(compiled.inputs == [TensorSignature(name: "mfcc", elementType: .float32, shape: [-1, -1, 5])])
        #expect(compiled.outputs == [TensorSignature(name: "probabilities", elementType: .float32, shape: [-1, -1, 3])])
    }

    @Test("the ONNX model declares opset 17, the symbolic T and B dims and the metadata it was given")
    func onnxStructure() throws {
        let bytes = Self.model(decision: .lastFrame).onnx(extraMetadata: ["maas.trained-by": "test"])
        let report = try ModelInspector.inspect(onnx: bytes)
        #expect(report.opsetVersion == 17)
        #expect(report.isSupported)
        #expect(report.metadata["maas.trained-by"] == "test")
        #expect(report.metadata[ServingConfig.classesMetadataKey] != nil)
        #expect(report.operatorCounts == ["LSTM": 1, "Squeeze": 1, "MatMul": 2, "Add": 2, "Relu": 1, "Softmax": 1])
    }
}
