import Testing
@testable import MaaSTraining

@Suite("Seeded generator")
struct SeededGeneratorTests {
    @Test("xoshiro256** seeded by SplitMix64 gives the reference algorithm's numbers")
    func goldenValues() {
        // From a straight transcription of the reference C code (Blackman & Vigna) in Python, seed 42.
        var generator = SeededGenerator(seed: 42)
        #expect([generator.next(), generator.next(), generator.next()] == [0x1578_0B2E_0C2E_C716, 0x6104_D986_6D11_3A7E, 0xAE17_5332_39E4_99A1])
    }

    @Test("a restored state continues the same sequence")
    func restore() {
        var generator = SeededGenerator(seed: 7)
        _ = (0..<5).map { _ in generator.next() }
        var copy = SeededGenerator(state: generator.state)!
        #expect((0..<10).map { _ in generator.next() } == (0..<10).map { _ in copy.next() })
        #expect(SeededGenerator(state: [0, 0, 0, 0]) == nil)
        #expect(SeededGenerator(state: [1, 2, 3]) == nil)
    }

    @Test("bounded indices stay in range and reach every value", arguments: [1, 2, 3, 7, 100])
    func bounded(bound: Int) {
        var generator = SeededGenerator(seed: 3)
        var seen = Set<Int>()
        for _ in 0..<(bound * 50) {
            let value = generator.nextIndex(below: bound)
            #expect((0..<bound).contains(value))
            seen.insert(value)
        }
        #expect(seen.count == bound)
    }

    @Test("a shuffle is a permutation and depends only on the seed")
    func shuffle() {
        var a = SeededGenerator(seed: 5), b = SeededGenerator(seed: 5)
        var x = Array(0..<50), y = Array(0..<50)
        a.shuffle(&x)
        b.shuffle(&y)
        #expect(x == y)
        #expect(x.sorted() == Array(0..<50))
        #expect(x != Array(0..<50))
    }

    @Test("Gaussian draws have mean 0 and variance 1")
    func gaussian() {
        var generator = SeededGenerator(seed: 9)
        let values = (0..<20000).map { _ in generator.nextGaussian() }
        let mean = values.reduce(0, +) / Double(values.count)
        let variance = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(values.count)
        #expect(abs(mean) < 0.03)
        #expect(abs(variance - 1) < 0.05)
    }
}
