import Glibc

/// xoshiro256** seeded through SplitMix64: a small, fast generator whose whole state is four words, so a
/// checkpoint can store it and a resumed run draws exactly the numbers an uninterrupted one would.
///
/// Swift's `SystemRandomNumberGenerator` cannot be seeded, and the standard library's shuffles and random
/// floats do not promise a stable algorithm across releases; everything here is spelled out instead.
public struct SeededGenerator: RandomNumberGenerator, Sendable, Equatable {
    public private(set) var state: [UInt64]

    public init(seed: UInt64) {
        var splitMix = seed
        state = (0..<4).map { _ in Self.splitMix64(&splitMix) }
    }

    /// Restores a saved state; nil when it is not four words or is all zero (xoshiro's one forbidden state).
    public init?(state: [UInt64]) {
        guard state.count == 4, state.contains(where: { $0 != 0 }) else { return nil }
        self.state = state
    }

    /// A generator for an independent purpose (the split of one label, the initial weights) derived from a seed.
    package init(seed: UInt64, stream: UInt64) {
        var mixer = seed ^ (stream &* 0x9E37_79B9_7F4A_7C15)
        self.init(seed: Self.splitMix64(&mixer))
    }

    static func splitMix64(_ x: inout UInt64) -> UInt64 {
        x &+= 0x9E37_79B9_7F4A_7C15
        var z = x
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    public mutating func next() -> UInt64 {
        let result = rotate(state[1] &* 5, 7) &* 9
        let t = state[1] << 17
        state[2] ^= state[0]
        state[3] ^= state[1]
        state[1] ^= state[2]
        state[0] ^= state[3]
        state[2] ^= t
        state[3] = rotate(state[3], 45)
        return result
    }

    private func rotate(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }

    /// Uniform in [0, 1) with 53 random bits.
    package mutating func nextUnit() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }

    /// Uniform in [0, bound) without modulo bias (Lemire's multiply-and-reject).
    package mutating func nextIndex(below bound: Int) -> Int {
        precondition(bound > 0, "an empty range has no index")
        let range = UInt64(bound)
        var product = next().multipliedFullWidth(by: range)
        if product.low < range {
            let threshold = (0 &- range) % range
            while product.low < threshold { product = next().multipliedFullWidth(by: range) }
        }
        return Int(product.high)
    }

    /// A standard normal value (Box–Muller in double precision; the second value of each pair is dropped so
    /// that the state advances by a fixed two draws per call).
    package mutating func nextGaussian() -> Double {
        let u1 = 1 - nextUnit()  // (0, 1]: log stays finite
        let u2 = nextUnit()
        return (-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2)
    }

    /// Fisher–Yates, drawing indices from this generator.
    package mutating func shuffle<T>(_ values: inout [T]) {
        guard values.count > 1 else { return }
        for i in stride(from: values.count - 1, to: 0, by: -1) {
            values.swapAt(i, nextIndex(below: i + 1))
        }
    }
}
