import MaaSProtocol

/// Which output holds a version's class scores and how its axes read: one clip's scores ([C] or [1, C]),
/// or per-frame scores ([T, 1, C], [1, T, C], or [T, C] for a frames-layout audio model) that a clip
/// decision and, for CTC, a greedy transcript are made from.
public struct ClassBinding: Sendable, Equatable {
    public enum Scores: Sendable, Equatable {
        /// [C] or [B, C]: one row per clip.
        case perClip
        /// [T, C], [T, 1, C] or [1, T, C]: one row per frame.
        case perFrame
    }

    public var output: String
    public var scores: Scores
    /// The layout of per-frame scores, when the audio front-end fixes it.
    public var frameLayout: FeatureLayout

    public init(output: String, scores: Scores, frameLayout: FeatureLayout) {
        self.output = output
        self.scores = scores
        self.frameLayout = frameLayout
    }

    /// Picks the output for `classes` on a model with `outputs`; `audioLayout` is the resolved layout of the
    /// audio features, when the version takes audio.
    public static func resolve(
        _ classes: ClassesConfig, outputs: [TensorSpec], audioLayout: FeatureLayout?, model: String
    ) throws(ConfigError) -> ClassBinding {
        let count = Int64(classes.names.count)
        let spec = try pickOutput(classes.output, count: count, outputs: outputs, model: model)
        let where_ = "output '\(spec.name)' \(AudioBinding.describe(spec)) of \(model)"
        guard spec.dtype == .float32 else {
            throw ConfigError("class scores must be float32 but \(where_) is \(spec.dtype.name)")
        }
        guard let last = spec.shape.last, (1...3).contains(spec.shape.count) else {
            throw ConfigError("\(where_) has rank \(spec.shape.count); class scores are [C], [1, C], [T, 1, C] or [1, T, C]")
        }
        guard last < 0 || last == count else {
            throw ConfigError("\(where_) has \(last) classes in its last dimension but the config names \(count)")
        }
        let scores: Scores
        switch spec.shape.count {
        case 1: scores = .perClip
        // [1, C] is one clip. [N, C] from an audio model is per-frame ([T, C], or [T, 1, C] squeezed): a
        // Predict on audio is one clip, so more than one row can only be frames.
        case 2: scores = audioLayout != nil && spec.shape[0] != 1 ? .perFrame : .perClip
        default: scores = .perFrame
        }
        if scores == .perClip, spec.shape.count == 2, spec.shape[0] > 1 {
            throw ConfigError("\(where_) holds \(spec.shape[0]) rows; a single clip's scores need a batch axis of 1")
        }
        if classes.ctcBlank != nil, scores != .perFrame {
            throw ConfigError("ctcBlank is set but \(where_) holds one row per clip; CTC needs per-frame scores")
        }
        let layout: FeatureLayout = scores == .perFrame ? (audioLayout ?? .unspecified) : .unspecified
        return ClassBinding(output: spec.name, scores: scores, frameLayout: layout)
    }

    private static func pickOutput(
        _ name: String?, count: Int64, outputs: [TensorSpec], model: String
    ) throws(ConfigError) -> TensorSpec {
        let listed = outputs.map { "'\($0.name)' \(AudioBinding.describe($0))" }.joined(separator: ", ")
        if let name {
            guard let spec = outputs.first(where: { $0.name == name }) else {
                throw ConfigError("the classes config names output '\(name)' but \(model) has outputs \(listed)")
            }
            return spec
        }
        if outputs.count == 1, let only = outputs.first { return only }
        let exact = outputs.filter { $0.shape.last == count }
        if exact.count == 1, let only = exact.first { return only }
        let dynamic = outputs.filter { ($0.shape.last ?? 0) < 0 }
        if exact.isEmpty, dynamic.count == 1, let only = dynamic.first { return only }
        throw ConfigError(
            "cannot tell which output of \(model) holds the \(count) class scores (outputs: \(listed)): "
                + "set \"output\" in the classes config")
    }
}
