import MaaSProtocol
@testable import MaaSTraining

/// Seeded random tensors and batches for the tests.
struct TestData {
    var generator: SeededGenerator

    init(seed: UInt64) { generator = SeededGenerator(seed: seed) }

    /// Uniform in ±scale.
    mutating func values(_ count: Int, scale: Double = 0.5) -> [Float] {
        (0..<count).map { _ in Float((2 * generator.nextUnit() - 1) * scale) }
    }

    /// A batch of clips with the given lengths (padded to the longest), random features and labels.
    mutating func batch(lengths: [Int], features: Int, classes: Int) -> Batch {
        let clips = lengths.map { frames in
            FeatureClip(frames: frames, values: values(frames * features, scale: 1.5), label: generator.nextIndex(below: classes))
        }
        return Batch(clips: clips, features: features)
    }

    /// Network parameters initialised as for training, then perturbed so no gradient is special.
    mutating func parameters(_ layout: ParameterLayout) -> [Float] {
        var generator = SeededGenerator(seed: 99)
        let initial = KerasInitializer.parameters(layout, generator: &generator)
        return zip(initial, values(layout.count, scale: 0.3)).map { $0 + $1 }
    }
}

extension Array where Element == Float {
    var doubles: [Double] { map(Double.init) }
}
