import MaaSProtocol

/// A version's class labels as users write them in `model.json`'s `"classes"` object:
/// `{"names": ["yes", "no"], "output": "probabilities", "clipDecision": "mean-log-prob", "topK": 5, "ctcBlank": 0}`;
/// only `names` is required.
public struct ClassesConfig: Sendable, Equatable {
    public var names: [String]
    /// nil = the only output whose last dimension fits `names`.
    public var output: String?
    public var clipDecision: ClipDecision
    /// nil = 5.
    public var topK: Int?
    /// Set for per-frame CTC outputs: the blank's class index.
    public var ctcBlank: Int?

    public init(
        names: [String], output: String? = nil, clipDecision: ClipDecision = .meanLogProb, topK: Int? = nil,
        ctcBlank: Int? = nil
    ) {
        self.names = names
        self.output = output
        self.clipDecision = clipDecision
        self.topK = topK
        self.ctcBlank = ctcBlank
    }

    public static let defaultTopK = 5
    /// Large enough for character and word-piece vocabularies; keeps a stored version small.
    public static let maxNames = 65536
    public static let maxNameBytes = 256

    public var effectiveTopK: Int { topK ?? Self.defaultTopK }

    public var labels: ClassLabels {
        ClassLabels(
            names: names, output: output ?? "", clipDecision: clipDecision, topK: Int32(clamping: topK ?? 0),
            ctcBlank: ctcBlank.map { Int32(clamping: $0) })
    }

    /// Reads the wire form; `validate()` says whether it can work.
    public init(labels wire: ClassLabels) {
        self.init(
            names: wire.names, output: wire.output.isEmpty ? nil : wire.output, clipDecision: wire.clipDecision,
            topK: wire.topK == 0 ? nil : Int(wire.topK), ctcBlank: wire.ctcBlank.map(Int.init))
    }

    public func validate() throws(ConfigError) {
        guard !names.isEmpty else { throw ConfigError("classes: names is empty; give one label per class index") }
        guard names.count <= Self.maxNames else {
            throw ConfigError("classes: \(names.count) names, over the limit of \(Self.maxNames)")
        }
        var seen: [String: Int] = [:]
        for (index, name) in names.enumerated() {
            guard !name.isEmpty || ctcBlank == index else {
                throw ConfigError("classes: name \(index) is empty (only the CTC blank may be unnamed)")
            }
            guard name.utf8.count <= Self.maxNameBytes else {
                throw ConfigError("classes: name \(index) is \(name.utf8.count) bytes, over the limit of \(Self.maxNameBytes)")
            }
            if let earlier = seen[name], !name.isEmpty {
                throw ConfigError("classes: '\(name)' is both class \(earlier) and class \(index); names must be unique")
            }
            seen[name] = index
        }
        if let topK, topK < 1 {
            throw ConfigError("classes: topK must be at least 1, got \(topK)")
        }
        if let ctcBlank, !(0..<names.count).contains(ctcBlank) {
            throw ConfigError("classes: ctcBlank \(ctcBlank) is not a class index (0...\(names.count - 1))")
        }
    }
}

extension ClassesConfig: Codable {
    private enum Keys: String, CodingKey, CaseIterable {
        case names, output, clipDecision, topK, ctcBlank
    }

    static let decisionNames: [String: ClipDecision] = ["mean-log-prob": .meanLogProb, "last-frame": .lastFrame]

    public init(from decoder: any Decoder) throws {
        try JSONKeys.rejectUnknown(in: decoder, known: Keys.allCases.map(\.rawValue), object: "\"classes\"")
        let container = try decoder.container(keyedBy: Keys.self)
        guard container.contains(.names) else {
            throw ConfigError("\"classes\" needs \"names\": the label of each class index, in order")
        }
        var decision = ClipDecision.meanLogProb
        if let name = try container.decodeIfPresent(String.self, forKey: .clipDecision) {
            guard let known = Self.decisionNames[name] else {
                throw ConfigError(
                    "unknown clipDecision '\(name)'; use one of \(Self.decisionNames.keys.sorted().joined(separator: ", "))")
            }
            decision = known
        }
        self.init(
            names: try container.decode([String].self, forKey: .names),
            output: try container.decodeIfPresent(String.self, forKey: .output),
            clipDecision: decision,
            topK: try container.decodeIfPresent(Int.self, forKey: .topK),
            ctcBlank: try container.decodeIfPresent(Int.self, forKey: .ctcBlank))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Keys.self)
        try container.encode(names, forKey: .names)
        try container.encodeIfPresent(output, forKey: .output)
        try container.encode(clipDecision.name, forKey: .clipDecision)
        try container.encodeIfPresent(topK, forKey: .topK)
        try container.encodeIfPresent(ctcBlank, forKey: .ctcBlank)
    }
}
