/// Training-time augmentation in feature space, off by default: each training clip of a minibatch is rolled in
/// time by a random number of frames (the clips are words centred in silence, so a roll moves the word) and
/// gets Gaussian noise on its standardised coefficients. Validation and export never see it.
///
/// The draws come from the run's generator on the calling thread, one shift and one noise seed per clip in
/// minibatch order, so the result does not depend on which thread computes which slice.
public struct Augmentation: Sendable, Hashable {
    /// Largest roll in frames, either way; 0 for none.
    public var maxShift: Int
    /// Standard deviation of the noise in standardised units; 0 for none.
    public var noise: Double

    public init(maxShift: Int = 0, noise: Double = 0) {
        self.maxShift = maxShift
        self.noise = noise
    }

    public var isEnabled: Bool { maxShift > 0 || noise > 0 }

    /// What is drawn for one clip.
    struct Draw: Sendable {
        var shift: Int
        var noiseSeed: UInt64
    }

    func draw(_ generator: inout SeededGenerator) -> Draw {
        let shift = maxShift > 0 ? generator.nextIndex(below: 2 * maxShift + 1) - maxShift : 0
        return Draw(shift: shift, noiseSeed: noise > 0 ? generator.next() : 0)
    }

    /// The clip rolled by `draw.shift` frames (frame t of the result is frame t − shift of the clip, modulo its
    /// length) with the noise added.
    func apply(_ clip: FeatureClip, features: Int, _ draw: Draw) -> FeatureClip {
        var result = clip
        let frames = clip.frames
        let shift = ((draw.shift % frames) + frames) % frames
        if shift != 0 {
            for t in 0..<frames {
                let source = (t - shift + frames) % frames
                for k in 0..<features { result.values[t * features + k] = clip.values[source * features + k] }
            }
        }
        if noise > 0 {
            var generator = SeededGenerator(seed: draw.noiseSeed)
            for i in result.values.indices { result.values[i] += Float(noise * generator.nextGaussian()) }
        }
        return result
    }
}
