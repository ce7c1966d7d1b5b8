import MaaSTestSupport

/// A fixed sequence of choices from a seed (`SplitMix64`), the same on every run and toolchain, so a failing
/// randomized case can be rebuilt from its seed.
struct Dice {
    private var generator: SplitMix64

    init(seed: UInt64) { generator = SplitMix64(seed: seed) }

    mutating func next() -> UInt64 { generator.next() }

    /// A number in 0..<sides.
    mutating func roll(_ sides: Int) -> Int { Int(next() % UInt64(max(sides, 1))) }

    mutating func bytes(_ count: Int) -> [UInt8] { (0..<count).map { _ in UInt8(truncatingIfNeeded: next()) } }

    mutating func pick<T>(_ choices: [T]) -> T { choices[roll(choices.count)] }

    mutating func shuffle<T>(_ array: inout [T]) {
        for i in array.indices.reversed() where i > 0 { array.swapAt(i, roll(i + 1)) }
    }
}
