import Foundation
import MaaSProtocol

/// What a model version needs to serve audio and answer with labels: the `model.json` users give to
/// `maas register --config`, and the `maas.audio` / `maas.classes` metadata a model file can carry
/// (`maas train` writes them), e.g.
///
///     {"audio": {"profile": "speech16k", "layout": "time-major"},
///      "classes": {"names": ["yes", "no"], "clipDecision": "mean-log-prob"}}
public struct ServingConfig: Sendable, Equatable {
    public var audio: AudioConfig?
    public var classes: ClassesConfig?

    public init(audio: AudioConfig? = nil, classes: ClassesConfig? = nil) {
        self.audio = audio
        self.classes = classes
    }

    /// Model-file metadata keys, each holding the JSON of one part.
    public static let audioMetadataKey = "maas.audio"
    public static let classesMetadataKey = "maas.classes"
    /// A config file larger than this is not a config file.
    public static let maxJSONBytes = 4 << 20

    /// Parses `model.json`; `source` names it in errors.
    public init(json: [UInt8], source: String) throws(ConfigError) {
        guard json.count <= Self.maxJSONBytes else {
            throw ConfigError("\(source) is \(json.count) bytes, over the limit of \(Self.maxJSONBytes) for a config file")
        }
        self = try Self.decode(ServingConfig.self, from: json, source: source)
    }

    /// Reads the parts a model file's metadata carries; absent keys leave that part nil.
    public init(metadata: [String: String]) throws(ConfigError) {
        self.init()
        if let text = metadata[Self.audioMetadataKey] {
            audio = try Self.decode(AudioConfig.self, from: Array(text.utf8), source: Self.metadataSource(Self.audioMetadataKey))
        }
        if let text = metadata[Self.classesMetadataKey] {
            classes = try Self.decode(
                ClassesConfig.self, from: Array(text.utf8), source: Self.metadataSource(Self.classesMetadataKey))
        }
    }

    /// Where a metadata entry came from, for messages: the model file's own, or a label of the upload (labels
    /// are stored with the file's metadata and win over it).
    private static func metadataSource(_ key: String) -> String {
        "the \(key) metadata (the model file's, or a label of the upload)"
    }

    /// The metadata entries that carry this config in a model file.
    public func metadata() -> [String: String] {
        var entries: [String: String] = [:]
        if let audio { entries[Self.audioMetadataKey] = Self.compactJSON(audio) }
        if let classes { entries[Self.classesMetadataKey] = Self.compactJSON(classes) }
        return entries
    }

    /// Pretty JSON, the form `maas register --config` reads.
    public func jsonText() -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        // Encoding these value types cannot fail: they hold only strings, numbers, booleans and arrays.
        return (try? encoder.encode(self)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }

    private static func compactJSON<T: Encodable>(_ value: T) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(value)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }

    private static func decode<T: Decodable>(_ type: T.Type, from bytes: [UInt8], source: String) throws(ConfigError) -> T {
        do {
            return try JSONDecoder().decode(T.self, from: Data(bytes))
        } catch let error as ConfigError {
            throw ConfigError("\(source): \(error.message)")
        } catch let error as DecodingError {
            // Foundation reports a fraction given for an integer as invalid JSON at the top level, naming
            // nothing: find it, so the message says which key.
            if case .dataCorrupted(let context) = error, context.codingPath.isEmpty,
                let (key, value) = fractionForWholeNumber(in: bytes)
            {
                throw ConfigError("\(source): '\(key)' should be a whole number, not \(value)")
            }
            throw ConfigError("\(source): \(describe(error))")
        } catch {
            throw ConfigError("\(source): \(error)")
        }
    }

    /// The keys of each section that take whole numbers.
    static let wholeNumberKeys: [String: Set<String>] = [
        "audio": ["sampleRate", "nFFT", "hopLength", "winLength", "nMels", "nMFCC"],
        "classes": ["topK", "ctcBlank"],
    ]

    /// The first whole-number key (as `section.key`) given a number with a fraction, in valid JSON.
    private static func fractionForWholeNumber(in bytes: [UInt8]) -> (key: String, value: Double)? {
        guard let object = try? JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any] else { return nil }
        for (section, keys) in wholeNumberKeys.sorted(by: { $0.key < $1.key }) {
            guard let values = object[section] as? [String: Any] else { continue }
            for key in keys.sorted() {
                // (true reads as 1: whole, so never reported here.)
                guard let value = (values[key] as? NSNumber)?.doubleValue else { continue }
                if value.isFinite, value.rounded(.towardZero) != value { return ("\(section).\(key)", value) }
            }
        }
        return nil
    }

    private static func describe(_ error: DecodingError) -> String {
        func path(_ context: DecodingError.Context) -> String {
            let keys = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }
            return keys.isEmpty ? "the top level" : "'\(keys.joined(separator: "."))'"
        }
        switch error {
        case .typeMismatch(let type, let context):
            return "\(path(context)) should be \(jsonTypeName(type))"
        case .valueNotFound(let type, let context):
            return "\(path(context)) is null but should be \(jsonTypeName(type))"
        case .keyNotFound(let key, let context):
            return "missing key '\(key.stringValue)' in \(path(context))"
        case .dataCorrupted(let context):
            let details = [context.underlyingError?.localizedDescription, context.debugDescription]
                .compactMap { $0 }.filter { !$0.isEmpty }
            return "not valid JSON at \(path(context))" + (details.isEmpty ? "" : " (\(details.joined(separator: "; ")))")
        @unknown default:
            return "\(error)"
        }
    }

    private static func jsonTypeName(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Bool.Type: "true or false"
        case is Int.Type, is Int32.Type: "a whole number"
        case is Double.Type: "a number"
        case is [String].Type: "an array of strings"
        case is [Any].Type: "an array"
        case is [String: Any].Type: "an object"
        default: "\(type)"
        }
    }
}

extension ServingConfig: Codable {
    private enum Keys: String, CodingKey, CaseIterable {
        case audio, classes
    }

    public init(from decoder: any Decoder) throws {
        try JSONKeys.rejectUnknown(in: decoder, known: Keys.allCases.map(\.rawValue), object: "the config")
        let container = try decoder.container(keyedBy: Keys.self)
        self.init(
            audio: try container.decodeIfPresent(AudioConfig.self, forKey: .audio),
            classes: try container.decodeIfPresent(ClassesConfig.self, forKey: .classes))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Keys.self)
        try container.encodeIfPresent(audio, forKey: .audio)
        try container.encodeIfPresent(classes, forKey: .classes)
    }
}
