import MaaSAudio
import MaaSModelConfig
import MaaSProtocol
import Testing

@Suite("AudioBinding")
struct AudioBindingTests {
    static let config = AudioConfig(features: .speech16k)

    static func spec(_ shape: [Int64], name: String = "mfcc", dtype: DataType = .float32) -> TensorSpec {
        TensorSpec(name: name, dtype: dtype, shape: shape)
    }

    @Test("infers the layout from the input's shape when only one reading fits", arguments: [
        ([-1, 1, 13] as [Int64], FeatureLayout.timeMajor, nil as Int?),
        ([100, 1, 13], .timeMajor, 100),
        ([1, -1, 13], .batchMajor, nil),
        ([1, 98, 13], .batchMajor, 98),
        ([-1, 13], .frames, nil),
        ([50, 13], .frames, 50),
        ([-1, 1, -1], .timeMajor, nil),
        // A batch axis fixed at 1 decides, even when the other one is 1 too.
        ([1, 1, 13], .timeMajor, 1),
    ])
    func inferred(shape: [Int64], layout: FeatureLayout, frames: Int?) throws {
        let binding = try AudioBinding.resolve(Self.config, inputs: [Self.spec(shape)], model: "model 'm'")
        #expect(binding == AudioBinding(input: "mfcc", layout: layout, fixedFrames: frames))
    }

    @Test("an asked-for layout is used when it fits", arguments: [
        ([-1, -1, 13] as [Int64], FeatureLayout.timeMajor), ([-1, -1, 13], .batchMajor), ([-1, 1, 13], .timeMajor),
        ([-1, 13], .frames),
    ])
    func requested(shape: [Int64], layout: FeatureLayout) throws {
        var config = Self.config
        config.layout = layout
        #expect(try AudioBinding.resolve(config, inputs: [Self.spec(shape)], model: "m").layout == layout)
    }

    @Test("refuses inputs the features cannot fit, saying why", arguments: [
        ([-1, -1, 13] as [Int64], FeatureLayout.unspecified, "cannot tell which axis of input 'mfcc' float32[?, ?, 13] is time"),
        ([-1, 1, 20], .unspecified, "takes 20 features per frame but the audio config makes 13 (nMFCC)"),
        ([2, 3, 13], .unspecified, "has no batch axis of size 1"),
        ([-1, 1, 1, 13], .unspecified, "has rank 4, which no feature layout fits"),
        ([13], .unspecified, "has rank 1"),
        ([-1, 13], .timeMajor, "layout time-major ([T, 1, F]) does not fit"),
        ([-1, 2, 13], .timeMajor, "layout time-major ([T, 1, F]) does not fit"),
        ([2, -1, 13], .batchMajor, "layout batch-major ([1, T, F]) does not fit"),
        ([-1, 1, 13], .frames, "layout frames ([T, F]) does not fit"),
        ([-1, 1, 13], .batchMajor, "so only one-frame clips would fit; its layout is time-major"),
        ([1, -1, 13], .timeMajor, "so only one-frame clips would fit; its layout is batch-major"),
    ])
    func refused(shape: [Int64], layout: FeatureLayout, message: String) {
        var config = Self.config
        config.layout = layout
        #expect {
            try AudioBinding.resolve(config, inputs: [Self.spec(shape)], model: "model 'm'")
        } throws: { error in
            (error as? ConfigError)?.message.contains(message) == true
        }
    }

    @Test("int64 inputs are refused: features are float32")
    func dtype() {
        #expect(throws: ConfigError("audio features are float32 but input 'mfcc' int64[?, 1, 13] of m is int64")) {
            try AudioBinding.resolve(Self.config, inputs: [Self.spec([-1, 1, 13], dtype: .int64)], model: "m")
        }
    }

    @Test("several inputs need \"input\"; a named input must exist")
    func inputChoice() throws {
        let inputs = [Self.spec([-1, 1, 13], name: "mfcc"), Self.spec([1], name: "gain")]
        #expect(throws: ConfigError("m has inputs 'mfcc', 'gain': set \"input\" in the audio config to the one the features feed")) {
            try AudioBinding.resolve(Self.config, inputs: inputs, model: "m")
        }
        var named = Self.config
        named.input = "mfcc"
        #expect(try AudioBinding.resolve(named, inputs: inputs, model: "m").input == "mfcc")
        named.input = "spectrogram"
        #expect(throws: ConfigError("the audio config names input 'spectrogram' but m has inputs 'mfcc', 'gain'")) {
            try AudioBinding.resolve(named, inputs: inputs, model: "m")
        }
    }

    @Test("shapes the [T, F] features for each layout")
    func shapes() {
        #expect(AudioBinding(input: "x", layout: .timeMajor, fixedFrames: nil).shape(frames: 7, coefficients: 13) == [7, 1, 13])
        #expect(AudioBinding(input: "x", layout: .batchMajor, fixedFrames: nil).shape(frames: 7, coefficients: 13) == [1, 7, 13])
        #expect(AudioBinding(input: "x", layout: .frames, fixedFrames: nil).shape(frames: 7, coefficients: 13) == [7, 13])
    }
}

extension AudioBindingTests {
    @Test("infers the one layout that fits an input with a dynamic axis beside a fixed time axis", arguments: [
        ([-1, 5, 13] as [Int64], FeatureLayout.batchMajor, 5),
        ([5, -1, 13], .timeMajor, 5),
    ])
    func onlyOneLayoutFits(shape: [Int64], layout: FeatureLayout, frames: Int) throws {
        var asked = Self.config
        asked.layout = layout
        #expect(try AudioBinding.resolve(asked, inputs: [Self.spec(shape)], model: "m").fixedFrames == frames)
        let inferred = try AudioBinding.resolve(Self.config, inputs: [Self.spec(shape)], model: "m")
        #expect(inferred == AudioBinding(input: "mfcc", layout: layout, fixedFrames: frames))
    }
}
