import Foundation
import Testing
@testable import MaaSEngine

/// The fused LSTM and GRU cells and the softmax rows of every compiled variant against double-precision
/// formulas. The cells combine fractions to save divisions, so they are held to an absolute bound.
@Suite("Vector kernels: fused cells and softmax")
struct VectorKernelsCellTests {
    static let variants = VectorKernels.available.map(\.name)
    /// Counts that exercise whole vectors only, a partial one only, and both.
    static let counts = [1, 7, 16, 37, 128]

    static func sigmoid(_ x: Double) -> Double { 1 / (1 + Foundation.exp(-x)) }

    static func values(_ count: Int, seed: UInt64, scale: Float) -> [Float] {
        var state = seed
        return (0..<count).map { _ in
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return (Float(state >> 40) / Float(1 << 24) - 0.5) * 2 * scale
        }
    }

    static func lstmReference(_ gates: [Float], cell: [Float], count n: Int, clip: Float)
        -> (cell: [Double], hidden: [Double]) {
        func gate(_ block: Int, _ j: Int) -> Double { Double(min(max(gates[block * n + j], -clip), clip)) }
        var c = [Double](), h = [Double]()
        for j in 0..<n {
            let next = sigmoid(gate(2, j)) * Double(cell[j]) + sigmoid(gate(0, j)) * Foundation.tanh(gate(3, j))
            c.append(next)
            h.append(sigmoid(gate(1, j)) * Foundation.tanh(next))
        }
        return (c, h)
    }

    @Test("the LSTM cell matches σ/tanh in double precision within 1e-6", arguments: variants, [Float.infinity, 3])
    func lstmCell(variant: String, clip: Float) throws {
        let k = try #require(VectorKernels.available.first { $0.name == variant })
        for n in Self.counts {
            // Pre-activations up to ±30 reach the saturated ends of both functions.
            let gates = Self.values(4 * n, seed: UInt64(n), scale: 28)
            let bias = Self.values(4 * n, seed: UInt64(n) + 7, scale: 2)
            let start = Self.values(n, seed: UInt64(n) + 99, scale: 3)
            var cell = start, hidden = [Float](repeating: .nan, count: n + 1)
            k.lstmCell(gates: gates, bias: bias, cell: &cell, hidden: &hidden, count: n, clip: clip)
            let reference = Self.lstmReference(zip(gates, bias).map { $0 + $1 }, cell: start, count: n, clip: clip)
            for j in 0..<n {
                #expect(abs(Double(cell[j]) - reference.cell[j]) <= 1e-6 * max(1, abs(reference.cell[j])), "c[\(j)] of \(n)")
                #expect(abs(Double(hidden[j]) - reference.hidden[j]) <= 1e-6, "h[\(j)] of \(n)")
            }
            #expect(hidden[n].isNaN, "nothing written past the row")
        }
    }

    @Test("the LSTM cell passes NaN through and stays finite for huge pre-activations", arguments: variants)
    func lstmCellExtremes(variant: String) throws {
        let k = try #require(VectorKernels.available.first { $0.name == variant })
        let gates: [Float] = [.nan, 1e30, -1e30, .infinity] + [1, -1e30, .infinity, -.infinity]
            + [1, 1e30, 1e30, 0] + [1, .infinity, -.infinity, 1e30]
        var cell: [Float] = [0.5, 0.5, 0.5, 2], hidden = [Float](repeating: 0, count: 4)
        k.lstmCell(gates: gates, bias: [Float](repeating: 0, count: 16), cell: &cell, hidden: &hidden, count: 4)
        #expect(cell[0].isNaN && hidden[0].isNaN, "a NaN gate makes the state NaN")
        // i = σ(1e30) = 1, o = 0, f = 1, g = tanh(∞) = 1: c = 0.5 + 1, h = 0.
        #expect(abs(cell[1] - 1.5) < 1e-6 && abs(hidden[1]) < 1e-6)
        // i = 0, o = 1, f = 1, g = −1: c = 0.5, h = tanh(0.5).
        #expect(abs(cell[2] - 0.5) < 1e-6 && abs(Double(hidden[2]) - Foundation.tanh(0.5)) < 1e-6)
        // i = σ(∞) = 1, o = σ(−∞) = 0, f = σ(0) = ½, g = 1: c = ½·2 + 1, h = 0.
        #expect(abs(cell[3] - 2) < 1e-6 && abs(hidden[3]) < 1e-6)
    }

    @Test("the GRU cells match σ/tanh in double precision within 1e-6", arguments: variants, [Float.infinity, 2])
    func gruCells(variant: String, clip: Float) throws {
        let k = try #require(VectorKernels.available.first { $0.name == variant })
        func clamped(_ x: Double) -> Double { min(max(x, -Double(clip)), Double(clip)) }
        for n in Self.counts {
            let recurrent = Self.values(3 * n, seed: UInt64(n) + 1, scale: 6)
            let projected = Self.values(3 * n, seed: UInt64(n) + 2, scale: 6)
            let bias = Self.values(n, seed: UInt64(n) + 3, scale: 1)
            let start = Self.values(n, seed: UInt64(n) + 4, scale: 1)
            func rec(_ b: Int, _ j: Int) -> Double { Double(recurrent[b * n + j]) }
            func proj(_ b: Int, _ j: Int) -> Double { Double(projected[b * n + j]) }

            var hidden = start
            k.gruLinearBeforeReset(recurrent: recurrent, projected: projected, candidateBias: bias, hidden: &hidden,
                                   count: n, clip: clip)
            for j in 0..<n {
                let z = Self.sigmoid(clamped(rec(0, j) + proj(0, j))), r = Self.sigmoid(clamped(rec(1, j) + proj(1, j)))
                let candidate = Foundation.tanh(clamped(proj(2, j) + r * (rec(2, j) + Double(bias[j]))))
                let expected = (1 - z) * candidate + z * Double(start[j])
                #expect(abs(Double(hidden[j]) - expected) <= 1e-6, "linear_before_reset h[\(j)] of \(n)")
            }

            // linear_before_reset = 0: the first half, then a stand-in for (r ⊙ h)·Rhᵀ, then the second half.
            var gates = recurrent, reset = [Float](repeating: .nan, count: n)
            hidden = start
            k.gruUpdateReset(recurrent: &gates, projected: projected, hidden: hidden, resetHidden: &reset, count: n, clip: clip)
            for j in 0..<n {
                let z = Self.sigmoid(clamped(rec(0, j) + proj(0, j))), r = Self.sigmoid(clamped(rec(1, j) + proj(1, j)))
                #expect(abs(Double(gates[j]) - z) <= 1e-6, "z[\(j)] of \(n)")
                #expect(abs(Double(reset[j]) - r * Double(start[j])) <= 1e-6, "r ⊙ h[\(j)] of \(n)")
            }
            k.gruCandidate(recurrent: gates, projected: projected, hidden: &hidden, count: n, clip: clip)
            for j in 0..<n {
                let z = Double(gates[j]), candidate = Foundation.tanh(clamped(rec(2, j) + proj(2, j)))
                #expect(abs(Double(hidden[j]) - ((1 - z) * candidate + z * Double(start[j]))) <= 1e-6, "h[\(j)] of \(n)")
            }
        }
    }

    /// (lower, upper, negative slope) as FusedActivation maps none, Relu, LeakyRelu(0.1) and Clip(−1, 2).
    static let piecewiseLinear: [(Float, Float, Float)] = [(-.infinity, .infinity, 1), (0, .infinity, 1),
                                                           (-.infinity, .infinity, 0.1), (-1, 2, 1)]

    @Test("bias and a piecewise-linear activation go over every row in one pass",
          arguments: variants, [1, 10, 16, 33])
    func biasActivationRows(variant: String, columns: Int) throws {
        let k = try #require(VectorKernels.available.first { $0.name == variant })
        let rows = 3
        let start = Self.values(rows * columns, seed: UInt64(columns), scale: 4) + [.nan]
        let bias = Self.values(columns, seed: 5, scale: 1)
        for (lower, upper, slope) in Self.piecewiseLinear {
            for withBias in [true, false] {
                var values = start
                values.withUnsafeMutableBufferPointer { buffer in
                    bias.withUnsafeBufferPointer { b in
                        k.biasActivationRows(buffer.baseAddress!, bias: withBias ? b.baseAddress : nil, rows: rows,
                                             columns: columns, lower: lower, upper: upper, negativeSlope: slope)
                    }
                }
                for index in 0..<(rows * columns) {
                    let y = min(max(start[index] + (withBias ? bias[index % columns] : 0), lower), upper)
                    #expect(values[index] == (y < 0 ? y * slope : y), "[\(index)] (\(lower), \(upper), \(slope))")
                }
                #expect(values[rows * columns].isNaN, "nothing written past the last row")
            }
        }
        var nan: [Float] = [.nan]
        k.biasActivationRows(&nan, bias: nil, rows: 1, columns: 1, lower: 0, upper: .infinity, negativeSlope: 1)
        #expect(nan[0].isNaN, "Relu passes NaN through")
    }

    @Test("softmax rows match double precision, survive huge logits, and log-softmax keeps small results",
          arguments: variants, [1, 10, 16, 17, 33])
    func softmaxRows(variant: String, length: Int) throws {
        let k = try #require(VectorKernels.available.first { $0.name == variant })
        var logits = Self.values(3 * length, seed: UInt64(length), scale: 20)
        logits[0] = 1e4  // exp(1e4) overflows unless the maximum is subtracted first
        for logarithm in [false, true] {
            var output = [Float](repeating: .nan, count: logits.count + 1)
            k.softmaxRows(logits, into: &output, rows: 3, length: length, logarithm: logarithm)
            for row in 0..<3 {
                let x = logits[(row * length)..<((row + 1) * length)].map(Double.init)
                let maximum = x.max()!
                let logSum = Foundation.log(x.map { Foundation.exp($0 - maximum) }.reduce(0, +))
                for j in 0..<length {
                    let expected = logarithm ? (x[j] - maximum) - logSum : Foundation.exp((x[j] - maximum) - logSum)
                    let got = Double(output[row * length + j])
                    #expect(abs(got - expected) <= 1e-6 * max(1, abs(expected)), "row \(row) [\(j)] log \(logarithm)")
                }
            }
            #expect(output[logits.count].isNaN, "nothing written past the last row")
        }
        var inPlace = logits
        inPlace.withUnsafeMutableBufferPointer { k.softmaxRows($0.baseAddress!, into: $0.baseAddress!, rows: 3, length: length, logarithm: false) }
        var separate = [Float](repeating: 0, count: logits.count)
        k.softmaxRows(logits, into: &separate, rows: 3, length: length, logarithm: false)
        #expect(inPlace == separate, "in place gives the same result")
    }
}
