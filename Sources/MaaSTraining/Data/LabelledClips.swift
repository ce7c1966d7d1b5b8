/// Feature sequences with their labels: what training and validation run on.
public struct LabelledClips: Sendable {
    /// Class names; a clip's `label` indexes this list.
    public var labels: [String]
    public var clips: [FeatureClip]
    /// Where each clip came from (for messages), parallel to `clips`.
    public var sources: [String]
    /// Coefficients per frame.
    public var features: Int

    public init(labels: [String], clips: [FeatureClip], sources: [String], features: Int) {
        precondition(clips.count == sources.count)
        self.labels = labels
        self.clips = clips
        self.sources = sources
        self.features = features
    }

    public var count: Int { clips.count }

    /// These clips followed by `other`'s (same labels and features).
    public func appending(_ other: LabelledClips) -> LabelledClips {
        precondition(other.labels == labels && other.features == features, "appending clips of another label set")
        return LabelledClips(labels: labels, clips: clips + other.clips, sources: sources + other.sources, features: features)
    }

    /// Clips per label, in label order.
    public var countsPerLabel: [Int] {
        var counts = [Int](repeating: 0, count: labels.count)
        for clip in clips { counts[clip.label] += 1 }
        return counts
    }

    /// The clips at `indices`, in that order.
    public func subset(_ indices: [Int]) -> LabelledClips {
        LabelledClips(labels: labels, clips: indices.map { clips[$0] }, sources: indices.map { sources[$0] }, features: features)
    }

    /// A stratified split: from each label, `fraction` of its clips (rounded, at most all but one) chosen by a
    /// generator seeded from `seed` and the label's index, so the split depends on nothing but the seed and the
    /// sorted file list.
    public func split(validationFraction fraction: Double, seed: UInt64) -> (train: LabelledClips, validation: LabelledClips) {
        var train: [Int] = [], validation: [Int] = []
        for label in labels.indices {
            var members = clips.indices.filter { clips[$0].label == label }
            var generator = SeededGenerator(seed: seed, stream: 0x5711_7000 + UInt64(label))
            generator.shuffle(&members)
            let held = min(Int((Double(members.count) * fraction).rounded()), max(0, members.count - 1))
            validation += members.prefix(held)
            train += members.dropFirst(held)
        }
        return (subset(train.sorted()), subset(validation.sorted()))
    }
}
