import Foundation
@testable import MaaSTraining

/// Three classes of generated feature sequences of varying length: each class oscillates at its own rate
/// and lifts its own coefficient, under noise. A correct implementation separates them within a few epochs.
enum SyntheticClips {
    static func make(perClass: Int, features: Int = 4, seed: UInt64) -> LabelledClips {
        var generator = SeededGenerator(seed: seed)
        var clips: [FeatureClip] = [], sources: [String] = []
        for label in 0..<3 {
            for i in 0..<perClass {
                let frames = 6 + generator.nextIndex(below: 7)
                var values: [Float] = []
                for t in 0..<frames {
                    for k in 0..<features {
                        let wave = sin(0.6 * Double(label + 1) * Double(t) + Double(k))
                        let lift = k == label ? 1.5 : 0
                        values.append(Float(20 * (wave + lift) + 50 + 4 * generator.nextGaussian()))
                    }
                }
                clips.append(FeatureClip(frames: frames, values: values, label: label))
                sources.append("synthetic/\(label)/\(i)")
            }
        }
        return LabelledClips(labels: ["rise", "wave", "lift"], clips: clips, sources: sources, features: features)
    }

    static var configuration: TrainingConfiguration {
        var c = TrainingConfiguration()
        c.hidden = 12
        c.dense = 8
        c.batchSize = 8
        c.epochs = 25
        c.optimizer.learningRate = 0.02
        c.patience = nil
        c.seed = 2024
        return c
    }
}
