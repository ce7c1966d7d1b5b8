/// Clips laid out for the network: time-major [T, B, F] features, padded with zeros after each row's length.
public struct Batch: Sendable {
    public var steps: Int
    public var rows: Int
    public var features: Int
    /// [steps · rows · features]: frame t of row b starts at (t · rows + b) · features.
    public var values: [Float]
    public var lengths: [Int]
    public var labels: [Int]

    public init(steps: Int, rows: Int, features: Int, values: [Float], lengths: [Int], labels: [Int]) {
        precondition(values.count == steps * rows * features && lengths.count == rows && labels.count == rows)
        precondition(lengths.allSatisfy { (1...steps).contains($0) }, "every row needs 1...steps frames")
        self.steps = steps
        self.rows = rows
        self.features = features
        self.values = values
        self.lengths = lengths
        self.labels = labels
    }

    /// Packs clips (each [frames, features] row-major) into one batch as long as the longest of them.
    public init(clips: [FeatureClip], features: Int) {
        let steps = clips.map(\.frames).max() ?? 0
        var values = [Float](repeating: 0, count: steps * clips.count * features)
        for (b, clip) in clips.enumerated() {
            precondition(clip.values.count == clip.frames * features, "clip has the wrong number of coefficients")
            for t in 0..<clip.frames {
                let destination = (t * clips.count + b) * features
                for k in 0..<features { values[destination + k] = clip.values[t * features + k] }
            }
        }
        self.init(steps: steps, rows: clips.count, features: features, values: values,
                  lengths: clips.map(\.frames), labels: clips.map(\.label))
    }
}

/// One clip's features [frames, coefficients] (row-major, as `FeatureExtractor.mfcc` gives them) and its label.
public struct FeatureClip: Sendable, Equatable {
    public var frames: Int
    public var values: [Float]
    public var label: Int

    public init(frames: Int, values: [Float], label: Int) {
        self.frames = frames
        self.values = values
        self.label = label
    }
}
