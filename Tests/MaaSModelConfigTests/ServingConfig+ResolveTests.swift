import MaaSAudio
import MaaSModelConfig
import MaaSProtocol
import Testing

@Suite("ServingConfig.resolve")
struct ServingConfigResolveTests {
    static let inputs = [TensorSpec(name: "mfcc", dtype: .float32, shape: [-1, 1, 13])]
    static let outputs = [TensorSpec(name: "probs", dtype: .float32, shape: [-1, 1, 3])]
    static let fileConfig = ServingConfig(
        audio: AudioConfig(features: .speech16k), classes: ClassesConfig(names: ["x", "y", "z"], clipDecision: .lastFrame))

    static func resolve(
        audio: AudioFrontEnd? = nil, classes: ClassLabels? = nil, metadata: [String: String] = [:]
    ) throws(ConfigError) -> (audio: AudioFrontEnd?, classes: ClassLabels?) {
        try ServingConfig.resolve(
            headerAudio: audio, headerClasses: classes, fileMetadata: metadata, inputs: inputs, outputs: outputs,
            model: "model 'm'")
    }

    @Test("nothing given, nothing in the file: a tensor-only version")
    func nothing() throws {
        let resolved = try Self.resolve()
        #expect(resolved.audio == nil && resolved.classes == nil)
    }

    @Test("the header's parts are stored with the layout, input and output filled in")
    func fromHeader() throws {
        let resolved = try Self.resolve(
            audio: AudioConfig(features: .speech16k).frontEnd, classes: ClassLabels(names: ["a", "b", "c"]))
        #expect(resolved.audio == AudioConfig(features: .speech16k, layout: .timeMajor, input: "mfcc").frontEnd)
        #expect(resolved.classes == ClassLabels(names: ["a", "b", "c"], output: "probs"))
    }

    @Test("the file's metadata fills the parts the header leaves out; a header part wins over the file's")
    func fromMetadata() throws {
        let metadata = Self.fileConfig.metadata()
        let fromFile = try Self.resolve(metadata: metadata)
        #expect(fromFile.audio == AudioConfig(features: .speech16k, layout: .timeMajor, input: "mfcc").frontEnd)
        #expect(fromFile.classes == ClassLabels(names: ["x", "y", "z"], output: "probs", clipDecision: .lastFrame))

        let mixed = try Self.resolve(classes: ClassLabels(names: ["a", "b", "c"]), metadata: metadata)
        #expect(mixed.audio == fromFile.audio)
        #expect(mixed.classes?.names == ["a", "b", "c"])
        #expect(mixed.classes?.clipDecision == .meanLogProb)
    }

    @Test("labels alone on a tensor model read a per-frame output without a front-end")
    func labelsWithoutAudio() throws {
        let resolved = try Self.resolve(classes: ClassLabels(names: ["a", "b", "c"], ctcBlank: 0))
        #expect(resolved.audio == nil)
        #expect(resolved.classes?.ctcBlank == 0)
    }

    @Test("anything that cannot fit is refused", arguments: [
        ("nMFCC 20", "takes 13 features per frame"),
        ("bad front-end", "audio front-end: invalid hopLength"),
        ("two names", "has 3 classes in its last dimension but the config names 2"),
        ("empty names", "names is empty"),
        ("bad metadata", "the maas.classes metadata (the model file's, or a label of the upload)"),
    ])
    func refused(label: String, message: String) {
        var twenty = AudioConfig(features: .speech16k)
        twenty.features.nMFCC = 20
        var noHop = AudioConfig(features: .speech16k).frontEnd
        noHop.hopLength = 0
        #expect {
            switch label {
            case "nMFCC 20": _ = try Self.resolve(audio: twenty.frontEnd)
            case "bad front-end": _ = try Self.resolve(audio: noHop)
            case "two names": _ = try Self.resolve(classes: ClassLabels(names: ["a", "b"]))
            case "empty names": _ = try Self.resolve(classes: ClassLabels(names: []))
            default: _ = try Self.resolve(metadata: ["maas.classes": "{\"names\": []"])
            }
        } throws: { error in
            (error as? ConfigError)?.message.contains(message) == true
        }
    }
}
