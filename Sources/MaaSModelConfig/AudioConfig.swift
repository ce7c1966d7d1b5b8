import MaaSAudio
import MaaSProtocol

/// A version's audio front-end as users write it in `model.json`'s `"audio"` object: librosa's MFCC
/// parameters (MFCCConfiguration's keys, e.g. `"sampleRate": 16000, "nMFCC": 13`), an optional `"profile"`
/// (`"librosa"`, the default, or `"speech16k"`) that supplies the keys not given, and how the features
/// reach the model (`"layout"`: `"time-major"` [T, 1, F], `"batch-major"` [1, T, F] or `"frames"` [T, F];
/// inferred from the model when absent; `"input"`: which model input, needed only when it has several).
public struct AudioConfig: Sendable, Equatable {
    public var features: MFCCConfiguration
    public var layout: FeatureLayout
    /// nil = the model's only input.
    public var input: String?

    public init(features: MFCCConfiguration = .librosaDefault, layout: FeatureLayout = .unspecified, input: String? = nil) {
        self.features = features
        self.layout = layout
        self.input = input
    }

    /// Named starting points for the parameters a config does not give.
    public static let profiles: [String: MFCCConfiguration] = ["librosa": .librosaDefault, "speech16k": .speech16k]

    static let featureKeys = [
        "sampleRate", "peakNormalize", "nFFT", "hopLength", "winLength", "center", "power", "nMels", "fMin", "fMax",
        "melScale", "melNormalization", "amin", "ref", "topDB", "nMFCC", "lifter",
    ]

    /// The parameters a profile changes from librosa's defaults, so a profile only fills keys left out.
    private static var profileKeys: [String: WritableKeyPath<MFCCConfiguration, Int>] { [
        "sampleRate": \.sampleRate, "nFFT": \.nFFT, "hopLength": \.hopLength, "nMels": \.nMels, "nMFCC": \.nMFCC,
    ] }

    /// The wire form, with every parameter explicit.
    public var frontEnd: AudioFrontEnd {
        var wire = AudioFrontEnd()
        wire.sampleRate = Int32(clamping: features.sampleRate)
        wire.peakNormalize = features.peakNormalize
        wire.nFFT = Int32(clamping: features.nFFT)
        wire.hopLength = Int32(clamping: features.hopLength)
        wire.winLength = Int32(clamping: features.winLength ?? 0)
        wire.center = features.center
        wire.power = features.power
        wire.nMels = Int32(clamping: features.nMels)
        wire.fMin = features.fMin
        wire.fMax = features.fMax ?? 0
        wire.melScale = features.melScale == .htk ? .htk : .slaney
        wire.melNormalization = features.melNormalization == .none ? .unnormalized : .slaney
        wire.amin = features.amin
        wire.ref = features.ref
        wire.topDB = features.topDB ?? -1
        wire.nMFCC = Int32(clamping: features.nMFCC)
        wire.lifter = features.lifter
        wire.layout = layout
        wire.input = input ?? ""
        return wire
    }

    /// Reads the wire form; `validate()` says whether the parameters can work.
    public init(frontEnd wire: AudioFrontEnd) {
        var features = MFCCConfiguration()
        features.sampleRate = Int(wire.sampleRate)
        features.peakNormalize = wire.peakNormalize
        features.nFFT = Int(wire.nFFT)
        features.hopLength = Int(wire.hopLength)
        features.winLength = wire.winLength == 0 ? nil : Int(wire.winLength)
        features.center = wire.center
        features.power = wire.power
        features.nMels = Int(wire.nMels)
        features.fMin = wire.fMin
        features.fMax = wire.fMax == 0 ? nil : wire.fMax
        features.melScale = wire.melScale == .htk ? .htk : .slaney
        features.melNormalization = wire.melNormalization == .unnormalized ? .none : .slaney
        features.amin = wire.amin
        features.ref = wire.ref
        features.topDB = wire.topDB < 0 ? nil : wire.topDB
        features.nMFCC = Int(wire.nMFCC)
        features.lifter = wire.lifter
        self.init(features: features, layout: wire.layout, input: wire.input.isEmpty ? nil : wire.input)
    }

    /// Checks the parameters the way the front-end will use them, so a bad config fails at registration.
    public func validate() throws(ConfigError) {
        _ = try makeExtractor()
    }

    /// The front-end for these parameters (builds its window, FFT plan and mel matrix once).
    public func makeExtractor() throws(ConfigError) -> FeatureExtractor {
        do {
            return try FeatureExtractor(features)
        } catch {
            throw ConfigError("audio front-end: \(error)")
        }
    }
}

extension AudioConfig: Codable {
    private enum Keys: String, CodingKey {
        case profile, layout, input
    }

    static let layoutNames: [String: FeatureLayout] = [
        "time-major": .timeMajor, "batch-major": .batchMajor, "frames": .frames,
    ]

    public init(from decoder: any Decoder) throws {
        try JSONKeys.rejectUnknown(
            in: decoder, known: ["profile", "layout", "input"] + Self.featureKeys, object: "\"audio\"")
        let container = try decoder.container(keyedBy: Keys.self)
        var features = try MFCCConfiguration(from: decoder)
        if let profileName = try container.decodeIfPresent(String.self, forKey: .profile) {
            guard let profile = Self.profiles[profileName] else {
                throw ConfigError(
                    "unknown audio profile '\(profileName)'; known: \(Self.profiles.keys.sorted().joined(separator: ", "))")
            }
            let given = Set(try decoder.container(keyedBy: AnyKey.self).allKeys.map(\.stringValue))
            for (key, path) in Self.profileKeys where !given.contains(key) {
                features[keyPath: path] = profile[keyPath: path]
            }
        }
        var layout = FeatureLayout.unspecified
        if let name = try container.decodeIfPresent(String.self, forKey: .layout) {
            guard let known = Self.layoutNames[name] else {
                throw ConfigError(
                    "unknown layout '\(name)'; use one of \(Self.layoutNames.keys.sorted().joined(separator: ", "))")
            }
            layout = known
        }
        let input = try container.decodeIfPresent(String.self, forKey: .input)
        self.init(features: features, layout: layout, input: input)
    }

    public func encode(to encoder: any Encoder) throws {
        try features.encode(to: encoder)
        var container = encoder.container(keyedBy: Keys.self)
        if layout != .unspecified { try container.encode(layout.name, forKey: .layout) }
        try container.encodeIfPresent(input, forKey: .input)
    }
}
