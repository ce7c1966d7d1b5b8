import MaaSAudio
import MaaSModelConfig
import MaaSProtocol
import Testing

@Suite("ServingConfig")
struct ServingConfigTests {
    static func parse(_ json: String) throws(ConfigError) -> ServingConfig {
        try ServingConfig(json: Array(json.utf8), source: "model.json")
    }

    /// The error `json` fails with; nil (and a recorded issue) when it parses.
    static func failure(_ json: String) -> ConfigError? {
        do {
            let config = try parse(json)
            Issue.record("parsed \(json) as \(config)")
            return nil
        } catch {
            return error
        }
    }

    @Test("reads the model.json of the README: a profile, a layout and labels")
    func readsTheExample() throws {
        let config = try Self.parse("""
            {"audio": {"profile": "speech16k", "layout": "time-major"},
             "classes": {"names": ["yes", "no"], "clipDecision": "last-frame", "topK": 1}}
            """)
        #expect(config.audio == AudioConfig(features: .speech16k, layout: .timeMajor))
        #expect(config.classes == ClassesConfig(names: ["yes", "no"], clipDecision: .lastFrame, topK: 1))
    }

    @Test("an empty object has neither part")
    func emptyObject() throws {
        #expect(try Self.parse("{}") == ServingConfig())
    }

    @Test("a misspelt key is refused with the key it resembles", arguments: [
        (#"{"audio": {"n_fft": 512}}"#, "'n_fft'", "did you mean 'nFFT'?"),
        (#"{"audio": {"top_db": 60}}"#, "'top_db'", "did you mean 'topDB'?"),
        (#"{"audio": {"N_MFCC": 13}}"#, "'N_MFCC'", "did you mean 'nMFCC'?"),
        (#"{"classes": {"names": ["a"], "clip_decision": "last-frame"}}"#, "'clip_decision'", "did you mean 'clipDecision'?"),
        (#"{"classes": {"names": ["a"], "ctc-blank": 0}}"#, "'ctc-blank'", "did you mean 'ctcBlank'?"),
        (#"{"Audio": {}}"#, "'Audio'", "did you mean 'audio'?"),
    ])
    func misspeltKeys(json: String, key: String, suggestion: String) throws {
        let error = try #require(Self.failure(json))
        #expect(error.message.contains("unknown key \(key)"), "\(error)")
        #expect(error.message.contains(suggestion), "\(error)")
        #expect(error.message.hasPrefix("model.json: "), "\(error)")
    }

    @Test("a key like no other is refused with the list of known keys")
    func unknownKeyListsKnownOnes() throws {
        let error = try #require(Self.failure(#"{"audio": {"windowFunction": "hann"}}"#))
        #expect(error.message.contains("unknown key 'windowFunction' in \"audio\""), "\(error)")
        #expect(error.message.contains("known keys: profile, layout, input, sampleRate"), "\(error)")
    }

    @Test("a value of the wrong type is refused, naming the key and the type wanted", arguments: [
        (#"{"audio": {"nFFT": "512"}}"#, "nFFT", "a whole number"),
        (#"{"audio": {"center": 1}}"#, "center", "true or false"),
        (#"{"audio": {"layout": 3}}"#, "layout", "a string"),
        (#"{"classes": {"names": ["a", 2]}}"#, "names", "a string"),
        (#"{"classes": {"topK": "3", "names": ["a"]}}"#, "topK", "a whole number"),
        (#"{"audio": {"fMin": "0"}}"#, "fMin", "a number"),
    ])
    func wrongTypes(json: String, key: String, wanted: String) throws {
        let error = try #require(Self.failure(json))
        #expect(error.message.contains(key), "\(error)")
        #expect(error.message.contains(wanted), "\(error)")
    }

    @Test("a non-array where an array goes, or a non-object where an object goes, is named", arguments: [
        (#"{"classes": {"names": "yes"}}"#, "'classes.names' should be an array"),
        (#"{"audio": 5}"#, "'audio' should be an object"),
        (#"{"classes": [1]}"#, "'classes' should be an object"),
    ])
    func wrongContainer(json: String, message: String) throws {
        let error = try #require(Self.failure(json))
        #expect(error.message.contains(message), "\(error)")
    }

    @Test("a fraction where a whole number goes is refused, naming the key", arguments: [
        (#"{"classes": {"names": ["a"], "topK": 1.5}}"#, "'classes.topK' should be a whole number, not 1.5"),
        (#"{"audio": {"nFFT": 512.5}}"#, "'audio.nFFT' should be a whole number, not 512.5"),
        (#"{"audio": {"fMin": 0.5, "hopLength": 160.25}}"#, "'audio.hopLength' should be a whole number, not 160.25"),
        (#"{"classes": {"names": ["a"], "ctcBlank": -0.5}}"#, "'classes.ctcBlank' should be a whole number, not -0.5"),
    ])
    func fractions(json: String, message: String) throws {
        let error = try #require(Self.failure(json))
        #expect(error.message.contains(message), "\(error)")
    }

    @Test("whole numbers written with a zero fraction are accepted, and fractions stay fine where they belong")
    func wholeFractions() throws {
        let config = try ServingConfig(json: Array(#"{"audio": {"nFFT": 512.0, "fMin": 0.5}}"#.utf8), source: "model.json")
        #expect(config.audio?.features.nFFT == 512)
        #expect(config.audio?.features.fMin == 0.5)
    }

    @Test("names of profiles, layouts and clip decisions are checked", arguments: [
        (#"{"audio": {"profile": "speech8k"}}"#, "unknown audio profile 'speech8k'; known: librosa, speech16k"),
        (#"{"audio": {"layout": "timeMajor"}}"#, "unknown layout 'timeMajor'; use one of batch-major, frames, time-major"),
        (#"{"classes": {"names": ["a"], "clipDecision": "mean"}}"#, "unknown clipDecision 'mean'; use one of last-frame, mean-log-prob"),
        (#"{"classes": {}}"#, "\"classes\" needs \"names\""),
    ])
    func badNames(json: String, message: String) throws {
        let error = try #require(Self.failure(json))
        #expect(error.message.contains(message), "\(error)")
    }

    @Test("text that is not JSON, or not an object, is refused", arguments: ["", "{", "[1, 2]", #"{"audio": 5}"#, "null"])
    func notJSON(json: String) throws {
        let error = try #require(Self.failure(json))
        #expect(error.message.hasPrefix("model.json: "), "\(error)")
    }

    @Test("a config file over 4 MiB is refused before it is parsed")
    func sizeLimit() throws {
        let bytes = [UInt8](repeating: UInt8(ascii: " "), count: ServingConfig.maxJSONBytes + 1)
        #expect(throws: ConfigError("model.json is \(bytes.count) bytes, over the limit of \(ServingConfig.maxJSONBytes) for a config file")) {
            try ServingConfig(json: bytes, source: "model.json")
        }
    }

    static let roundTrips: [ServingConfig] = {
        var quiet = MFCCConfiguration.speech16k
        quiet.topDB = nil
        quiet.fMax = 7600
        quiet.winLength = 400
        quiet.melScale = .htk
        quiet.melNormalization = .none
        quiet.lifter = 22
        return [
            ServingConfig(),
            ServingConfig(audio: AudioConfig()),
            ServingConfig(audio: AudioConfig(features: quiet, layout: .batchMajor, input: "x")),
            ServingConfig(classes: ClassesConfig(names: ["", "a", "b"], output: "logits", topK: 2, ctcBlank: 0)),
            ServingConfig(
                audio: AudioConfig(features: .speech16k, layout: .frames),
                classes: ClassesConfig(names: ["yes", "no"], clipDecision: .lastFrame)),
        ]
    }()

    @Test("metadata() reads back as the same config, and so does jsonText()", arguments: roundTrips)
    func roundTrip(config: ServingConfig) throws {
        let metadata = config.metadata()
        #expect(Set(metadata.keys) == Set(
            [config.audio.map { _ in ServingConfig.audioMetadataKey }, config.classes.map { _ in ServingConfig.classesMetadataKey }]
                .compactMap { $0 }))
        #expect(try ServingConfig(metadata: metadata) == config)
        #expect(try ServingConfig(json: Array(config.jsonText().utf8), source: "round trip") == config)
    }

    @Test("metadata that is not a config names the metadata key")
    func badMetadata() {
        #expect(throws: ConfigError.self) { try ServingConfig(metadata: ["maas.classes": "{\"names\": 3}"]) }
        do {
            _ = try ServingConfig(metadata: ["maas.audio": "{\"nfft\": 512}"])
            Issue.record("parsed")
        } catch {
            #expect(error.message.hasPrefix("the maas.audio metadata (the model file's, or a label of the upload): unknown key 'nfft'"), "\(error)")
        }
    }

    @Test("metadata that is not JSON at all is said in one sentence, Foundation's reason in brackets",
          arguments: ["not json", "{", "", "[1, 2"])
    func notJSONMetadata(text: String) {
        do {
            _ = try ServingConfig(metadata: ["maas.audio": text])
            Issue.record("parsed \(text)")
        } catch {
            #expect(error.message.hasPrefix(
                "the maas.audio metadata (the model file's, or a label of the upload): not valid JSON at the top level"), "\(error)")
            #expect(!error.message.contains("  ") && !error.message.contains(". ") && error.message.last == ")", "\(error)")
        }
    }

    @Test("other metadata keys are ignored")
    func otherMetadata() throws {
        #expect(try ServingConfig(metadata: ["author": "me", "maas.other": "{"]) == ServingConfig())
    }
}
