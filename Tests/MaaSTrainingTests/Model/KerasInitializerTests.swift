import Testing
@testable import MaaSTraining

@Suite("Keras initialisation")
struct KerasInitializerTests {
    @Test("the orthogonal matrix has orthonormal rows (wide) or columns (tall)", arguments: [(4, 16), (16, 4), (6, 6)])
    func orthogonal(rows: Int, columns: Int) {
        var generator = SeededGenerator(seed: 1)
        let q = KerasInitializer.orthogonal(rows: rows, columns: columns, &generator)
        let wide = rows <= columns
        let n = wide ? rows : columns
        for a in 0..<n {
            for b in 0..<n {
                var dot = 0.0
                for i in 0..<(wide ? columns : rows) {
                    dot += wide ? q[a * columns + i] * q[b * columns + i] : q[i * columns + a] * q[i * columns + b]
                }
                #expect(abs(dot - (a == b ? 1 : 0)) < 1e-12)
            }
        }
    }

    @Test("Glorot-uniform bounds, zero biases, forget-gate bias 1, and the same weights for the same seed")
    func layout() {
        let shape = NetworkShape(features: 13, hidden: 16, dense: 8, classes: 5)
        let layout = ParameterLayout(shape)
        var a = SeededGenerator(seed: 3), b = SeededGenerator(seed: 3), c = SeededGenerator(seed: 4)
        let p = KerasInitializer.parameters(layout, generator: &a)
        #expect(p == KerasInitializer.parameters(layout, generator: &b))
        #expect(p != KerasInitializer.parameters(layout, generator: &c))
        let limit = Float((6.0 / Double(13 + 64)).squareRoot())
        #expect(p[layout.lstmInput].allSatisfy { abs($0) <= limit })
        #expect(p[layout.lstmInput].contains { abs($0) > limit * 0.9 })
        let bias = Array(p[layout.lstmBias])
        #expect(bias[0..<16].allSatisfy { $0 == 0 } && bias[16..<32].allSatisfy { $0 == 0 })
        #expect(bias[32..<48].allSatisfy { $0 == 1 } && bias[48..<64].allSatisfy { $0 == 0 })
        #expect(p[layout.denseBias].allSatisfy { $0 == 0 } && p[layout.outputBias].allSatisfy { $0 == 0 })
        let denseLimit = Float((6.0 / Double(16 + 8)).squareRoot())
        #expect(p[layout.denseWeights].allSatisfy { abs($0) <= denseLimit })
    }
}
