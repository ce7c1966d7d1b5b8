/// SplitMix64: a small seeded generator, so the randomized tests replay the same inputs on every run.
struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    /// Seeded from a name (FNV-1a over its UTF-8), so each case gets its own inputs, the same on every run
    /// (`hashValue` changes from run to run).
    init(name: String) {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in name.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01B3 }
        self.init(seed: hash)
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

extension Array where Element == UInt8 {
    /// One random edit of the kinds that break parsers: a flipped bit, a replaced, inserted or removed
    /// byte, a cut tail, or a repeated slice (duplicate fields, and lengths that now point at the wrong bytes).
    mutating func mutate(using random: inout SeededGenerator) {
        guard !isEmpty else {
            append(UInt8.random(in: 0...255, using: &random))
            return
        }
        let at = Int.random(in: 0..<count, using: &random)
        switch Int.random(in: 0..<6, using: &random) {
        case 0: self[at] ^= 1 << UInt8.random(in: 0..<8, using: &random)
        case 1: self[at] = UInt8.random(in: 0...255, using: &random)
        case 2: removeSubrange(at...)
        case 3: insert(UInt8.random(in: 0...255, using: &random), at: at)
        case 4: remove(at: at)
        default:
            let end = Swift.min(count, at + Int.random(in: 1...16, using: &random))
            insert(contentsOf: self[at..<end], at: at)
        }
    }
}
