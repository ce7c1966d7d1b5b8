import MaaSModelConfig
import MaaSProtocol
import Testing

@Suite("ClassBinding")
struct ClassBindingTests {
    static let four = ClassesConfig(names: ["yes", "no", "up", "down"])

    static func output(_ shape: [Int64], name: String = "probs", dtype: DataType = .float32) -> TensorSpec {
        TensorSpec(name: name, dtype: dtype, shape: shape)
    }

    @Test("reads the output's axes as per-clip or per-frame scores", arguments: [
        ([4] as [Int64], nil as FeatureLayout?, ClassBinding.Scores.perClip, FeatureLayout.unspecified),
        ([1, 4], nil, .perClip, .unspecified),
        ([-1, 4], nil, .perClip, .unspecified),
        ([1, 4], .timeMajor, .perClip, .unspecified),
        ([-1, 4], .frames, .perFrame, .frames),
        ([-1, 1, 4], .timeMajor, .perFrame, .timeMajor),
        ([1, -1, 4], .batchMajor, .perFrame, .batchMajor),
        ([-1, 1, 4], nil, .perFrame, .unspecified),
        ([-1, 1, -1], .timeMajor, .perFrame, .timeMajor),
    ])
    func resolves(shape: [Int64], audio: FeatureLayout?, scores: ClassBinding.Scores, frames: FeatureLayout) throws {
        let binding = try ClassBinding.resolve(Self.four, outputs: [Self.output(shape)], audioLayout: audio, model: "m")
        #expect(binding == ClassBinding(output: "probs", scores: scores, frameLayout: frames))
    }

    @Test("refuses outputs the labels cannot read, saying why", arguments: [
        (ClassesConfig(names: ["a", "b", "c"]), [-1, 1, 4] as [Int64], "has 4 classes in its last dimension but the config names 3"),
        (four, [-1, 1, 1, 4], "has rank 4; class scores are"),
        (four, [], "has rank 0"),
        (ClassesConfig(names: ["", "a", "b", "c"], ctcBlank: 0), [1, 4], "ctcBlank is set but output 'probs' float32[1, 4] of m holds one row per clip"),
        (ClassesConfig(names: ["", "a", "b", "c"], ctcBlank: 0), [4], "CTC needs per-frame scores"),
    ])
    func refused(classes: ClassesConfig, shape: [Int64], message: String) {
        #expect {
            try ClassBinding.resolve(classes, outputs: [Self.output(shape)], audioLayout: .timeMajor, model: "m")
        } throws: { error in
            (error as? ConfigError)?.message.contains(message) == true
        }
    }

    @Test("reads [N, C] as frames for an audio model (one clip per request) and as N clips for a tensor model")
    func twoDimensional() throws {
        let audio = try ClassBinding.resolve(Self.four, outputs: [Self.output([-1, 4])], audioLayout: .timeMajor, model: "m")
        #expect(audio.scores == .perFrame)
        let single = try ClassBinding.resolve(Self.four, outputs: [Self.output([1, 4])], audioLayout: .timeMajor, model: "m")
        #expect(single.scores == .perClip)
        #expect(try ClassBinding.resolve(Self.four, outputs: [Self.output([-1, 4])], audioLayout: nil, model: "m").scores == .perClip)
        #expect {
            try ClassBinding.resolve(Self.four, outputs: [Self.output([3, 4])], audioLayout: nil, model: "m")
        } throws: { error in
            (error as? ConfigError)?.message.contains("holds 3 rows; a single clip's scores need a batch axis of 1") == true
        }
    }

    @Test("int64 scores are refused")
    func dtype() {
        #expect(throws: ConfigError.self) {
            try ClassBinding.resolve(Self.four, outputs: [Self.output([1, 4], dtype: .int64)], audioLayout: nil, model: "m")
        }
    }

    @Test("picks the output among several: by name, else the only one with C classes, else the only dynamic one")
    func picksTheOutput() throws {
        let outputs = [Self.output([-1, 1, 8], name: "hidden"), Self.output([-1, 1, 4], name: "probs")]
        #expect(try ClassBinding.resolve(Self.four, outputs: outputs, audioLayout: .timeMajor, model: "m").output == "probs")

        let dynamic = [Self.output([-1, 1, 8], name: "hidden"), Self.output([-1, 1, -1], name: "scores")]
        #expect(try ClassBinding.resolve(Self.four, outputs: dynamic, audioLayout: .timeMajor, model: "m").output == "scores")

        var named = Self.four
        named.output = "probs"
        let twins = [Self.output([-1, 1, 4], name: "logits"), Self.output([-1, 1, 4], name: "probs")]
        #expect(try ClassBinding.resolve(named, outputs: twins, audioLayout: .timeMajor, model: "m").output == "probs")
        #expect {
            try ClassBinding.resolve(Self.four, outputs: twins, audioLayout: .timeMajor, model: "m")
        } throws: { error in
            (error as? ConfigError)?.message.contains("cannot tell which output of m holds the 4 class scores") == true
        }
        named.output = "nope"
        #expect {
            try ClassBinding.resolve(named, outputs: twins, audioLayout: .timeMajor, model: "m")
        } throws: { error in
            (error as? ConfigError)?.message.contains("names output 'nope' but m has outputs 'logits' float32[?, 1, 4]") == true
        }
    }
}
