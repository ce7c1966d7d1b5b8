import MaaSEngine

/// Largest absolute difference between two float arrays (infinity if their sizes differ).
func maxAbsDifference(_ a: [Float], _ b: [Float]) -> Float {
    guard a.count == b.count else { return .infinity }
    return zip(a, b).reduce(0) { max($0, abs($1.0 - $1.1)) }
}

/// Deterministic pseudo-random floats in [-scale, scale) (a fixed LCG, so tests never flake).
func pseudoRandom(_ count: Int, seed: UInt64 = 1, scale: Float = 1) -> [Float] {
    var state = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
    return (0..<count).map { _ in
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return (Float(state >> 40) / Float(1 << 24) * 2 - 1) * scale
    }
}
