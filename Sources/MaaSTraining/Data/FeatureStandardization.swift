/// Per-coefficient standardisation (x − mean) · scale, with mean and 1/std measured on the training frames.
///
/// Raw MFCCs span hundreds of dB in c0 and a few units in the high coefficients, which saturates Glorot-sized
/// LSTM gates. The network trains on standardised features; export folds the affine map into the LSTM's input
/// weights and bias (`W' = diag(scale)·W`, `b' = b − (mean ⊙ scale)·W`), so the served model takes raw MFCCs.
public struct FeatureStandardization: Sendable, Equatable {
    public var mean: [Float]
    public var scale: [Float]

    public init(mean: [Float], scale: [Float]) {
        precondition(mean.count == scale.count)
        self.mean = mean
        self.scale = scale
    }

    /// The identity (mean 0, scale 1).
    public static func identity(features: Int) -> FeatureStandardization {
        FeatureStandardization(mean: .init(repeating: 0, count: features), scale: .init(repeating: 1, count: features))
    }

    /// Measured over every frame of `clips` in double precision; a constant coefficient keeps scale 1.
    public init(measuring clips: [FeatureClip], features: Int) {
        var sum = [Double](repeating: 0, count: features), squares = sum
        var frames = 0
        for clip in clips {
            for t in 0..<clip.frames {
                for k in 0..<features {
                    let x = Double(clip.values[t * features + k])
                    sum[k] += x
                    squares[k] += x * x
                }
            }
            frames += clip.frames
        }
        let n = Double(max(frames, 1))
        let mean = sum.map { $0 / n }
        let std = (0..<features).map { k in max(0, squares[k] / n - mean[k] * mean[k]).squareRoot() }
        self.init(mean: mean.map(Float.init), scale: std.map { $0 > 1e-6 ? Float(1 / $0) : 1 })
    }

    public func apply(to clip: FeatureClip) -> FeatureClip {
        var result = clip
        let features = mean.count
        for t in 0..<clip.frames {
            for k in 0..<features {
                result.values[t * features + k] = (clip.values[t * features + k] - mean[k]) * scale[k]
            }
        }
        return result
    }

    public func apply(to clips: LabelledClips) -> LabelledClips {
        var result = clips
        result.clips = clips.clips.map(apply(to:))
        return result
    }
}
