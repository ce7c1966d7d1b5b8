import Testing
@testable import MaaSTraining

@Suite("Augmentation")
struct AugmentationTests {
    static let clip = FeatureClip(frames: 4, values: [0, 1, 10, 11, 20, 21, 30, 31], label: 0)

    @Test("a roll moves frame t to t + shift, wrapping around", arguments: [(1, [30, 31, 0, 1, 10, 11, 20, 21]),
                                                                           (-1, [10, 11, 20, 21, 30, 31, 0, 1]),
                                                                           (4, [0, 1, 10, 11, 20, 21, 30, 31])])
    func roll(shift: Int, expected: [Float]) {
        let rolled = Augmentation(maxShift: 4).apply(Self.clip, features: 2, .init(shift: shift, noiseSeed: 0))
        #expect(rolled.values == expected)
        #expect(rolled.frames == 4 && rolled.label == 0)
    }

    @Test("noise has the asked deviation, depends only on its seed, and draws stay within the shift bound")
    func noiseAndDraws() {
        let augmentation = Augmentation(maxShift: 2, noise: 0.5)
        let long = FeatureClip(frames: 2000, values: [Float](repeating: 3, count: 4000), label: 1)
        let a = augmentation.apply(long, features: 2, .init(shift: 0, noiseSeed: 9))
        #expect(a == augmentation.apply(long, features: 2, .init(shift: 0, noiseSeed: 9)))
        let deviations = a.values.map { Double($0) - 3 }
        let variance = deviations.reduce(0) { $0 + $1 * $1 } / Double(deviations.count)
        #expect(abs(variance.squareRoot() - 0.5) < 0.03)
        var generator = SeededGenerator(seed: 1)
        let shifts = (0..<200).map { _ in augmentation.draw(&generator).shift }
        #expect(Set(shifts) == [-2, -1, 0, 1, 2])
    }
}
