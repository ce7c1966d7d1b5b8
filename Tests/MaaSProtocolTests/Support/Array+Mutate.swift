import MaaSTestSupport

extension Array where Element == UInt8 {
    /// One random edit of the kinds that break parsers: a flipped bit, a replaced, inserted or removed
    /// byte, a cut tail, or a repeated slice (duplicate fields, and lengths that now point at the wrong bytes).
    mutating func mutate(using random: inout SplitMix64) {
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
