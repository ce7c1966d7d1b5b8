import Foundation

/// Reproducible standard-normal floats (SplitMix64 + Box–Muller), so repeated benchmark runs feed the model
/// the same inputs.
struct SeededNormal {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    private mutating func nextUniform() -> Double {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        z ^= z >> 31
        // 53 random bits in (0, 1]: never 0, so the logarithm below is finite.
        return (Double(z >> 11) + 1) / 9_007_199_254_740_992
    }

    mutating func floats(_ count: Int) -> [Float] {
        var out = [Float]()
        out.reserveCapacity(count)
        while out.count < count {
            let radius = (-2 * log(nextUniform())).squareRoot()
            let angle = 2 * Double.pi * nextUniform()
            out.append(Float(radius * cos(angle)))
            if out.count < count { out.append(Float(radius * sin(angle))) }
        }
        return out
    }
}
