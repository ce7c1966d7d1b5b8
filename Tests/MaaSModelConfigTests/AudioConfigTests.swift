import MaaSAudio
import MaaSModelConfig
import MaaSProtocol
import Testing

@Suite("AudioConfig")
struct AudioConfigTests {
    static func audio(_ json: String) throws -> AudioConfig {
        try #require(try ServingConfig(json: Array(#"{"audio": \#(json)}"#.utf8), source: "model.json").audio)
    }

    @Test("no key means librosa's defaults, layout inferred, the only input")
    func defaults() throws {
        #expect(try Self.audio("{}") == AudioConfig(features: .librosaDefault, layout: .unspecified, input: nil))
    }

    @Test("a profile fills the keys left out; keys given win over it")
    func profiles() throws {
        #expect(try Self.audio(#"{"profile": "speech16k"}"#).features == .speech16k)
        #expect(try Self.audio(#"{"profile": "librosa"}"#).features == .librosaDefault)
        var twenty = MFCCConfiguration.speech16k
        twenty.nMFCC = 20
        twenty.hopLength = 320
        #expect(try Self.audio(#"{"profile": "speech16k", "nMFCC": 20, "hopLength": 320}"#).features == twenty)
        // Keys no profile touches keep what was given too.
        var quiet = MFCCConfiguration.speech16k
        quiet.peakNormalize = false
        quiet.fMin = 20
        #expect(try Self.audio(#"{"profile": "speech16k", "peakNormalize": false, "fMin": 20}"#).features == quiet)
    }

    @Test("topDB: absent keeps librosa's 80 dB, null turns the floor off, a number sets it")
    func topDB() throws {
        #expect(try Self.audio("{}").features.topDB == 80)
        #expect(try Self.audio(#"{"topDB": null}"#).features.topDB == nil)
        #expect(try Self.audio(#"{"topDB": 60}"#).features.topDB == 60)
        // The off switch survives the wire (top_db < 0) and JSON (null) both ways.
        let off = try Self.audio(#"{"topDB": null}"#)
        #expect(AudioConfig(frontEnd: off.frontEnd) == off)
        #expect(off.frontEnd.topDB < 0)
    }

    @Test("layout names and input", arguments: [
        ("time-major", FeatureLayout.timeMajor), ("batch-major", .batchMajor), ("frames", .frames),
    ])
    func layouts(name: String, layout: FeatureLayout) throws {
        let config = try Self.audio(#"{"layout": "\#(name)", "input": "mfcc"}"#)
        #expect(config.layout == layout)
        #expect(config.input == "mfcc")
    }

    static let wireCases: [AudioConfig] = {
        var custom = MFCCConfiguration.speech16k
        custom.winLength = 400
        custom.fMax = 7000
        custom.topDB = nil
        custom.melScale = .htk
        custom.melNormalization = .none
        custom.power = 1
        custom.center = false
        custom.lifter = 22
        custom.amin = 1e-5
        custom.ref = 2
        return [
            AudioConfig(), AudioConfig(features: .speech16k, layout: .timeMajor),
            AudioConfig(features: custom, layout: .batchMajor, input: "features"),
        ]
    }()

    @Test("the wire form carries every parameter explicitly and reads back the same", arguments: wireCases)
    func wireRoundTrip(config: AudioConfig) {
        let wire = config.frontEnd
        #expect(AudioConfig(frontEnd: wire) == config)
        #expect(wire.sampleRate == Int32(config.features.sampleRate))
        #expect(wire.nMFCC == Int32(config.features.nMFCC))
        #expect(wire.layout == config.layout)
        #expect(wire.input == (config.input ?? ""))
        // Optional parameters travel as 0 (winLength, fMax) or negative (topDB) when absent.
        #expect((wire.winLength == 0) == (config.features.winLength == nil))
        #expect((wire.fMax == 0) == (config.features.fMax == nil))
    }

    @Test("validate refuses parameters the front-end cannot use, naming them", arguments: [
        ("nFFT", #"{"nFFT": 1}"#), ("hopLength", #"{"hopLength": 0}"#), ("nMFCC", #"{"nMels": 40, "nMFCC": 41}"#),
        ("fMax", #"{"sampleRate": 16000, "fMax": 9000}"#), ("sampleRate", #"{"sampleRate": 0}"#),
        ("winLength", #"{"nFFT": 512, "winLength": 1024}"#), ("power", #"{"power": -2}"#),
    ])
    func validate(name: String, json: String) throws {
        let config = try Self.audio(json)
        #expect {
            try config.validate()
        } throws: { error in
            "\(error)".contains("audio front-end: invalid \(name)")
        }
    }

    @Test("a wire front-end left at proto defaults is refused, not served with a zero sample rate")
    func emptyWireFrontEnd() {
        #expect(throws: ConfigError.self) { try AudioConfig(frontEnd: AudioFrontEnd()).validate() }
    }
}
