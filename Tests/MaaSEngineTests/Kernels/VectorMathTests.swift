import Foundation
import Testing
@testable import MaaSEngine

@Suite("Vector math")
struct VectorMathTests {
    /// −100…100 in steps of 1/64, plus the edges of exp's range.
    static let inputs: [Float] = (-6400...6400).map { Float($0) / 64 } + [-87.4, -87.3, 88.3, 88.5, 0, -0.0]

    @Test("exp stays within 5e-7 relative of libm across the normal range")
    func expAccuracy() {
        for x in Self.inputs where x > -87.3 && x < 88.3 {
            let reference = Foundation.exp(Double(x))
            let relative = abs(Double(VectorMath.exp(x)) - reference) / reference
            #expect(relative < 5e-7, "exp(\(x))")
        }
    }

    @Test("exp saturates above its range and flushes to zero below it")
    func expEdges() {
        #expect(VectorMath.exp(-200) == 0)
        #expect(VectorMath.exp(200).isFinite && VectorMath.exp(200) > 1e38)
        #expect(VectorMath.exp(0) == 1)
    }

    @Test("sigmoid and tanh stay within 3e-7 of libm")
    func sigmoidTanhAccuracy() {
        var sigmoid = [Float](repeating: 0, count: Self.inputs.count)
        var tanh = sigmoid
        VectorMath.sigmoid(Self.inputs, into: &sigmoid, count: Self.inputs.count)
        VectorMath.tanh(Self.inputs, into: &tanh, count: Self.inputs.count)
        for (index, x) in Self.inputs.enumerated() {
            #expect(abs(Double(sigmoid[index]) - 1 / (1 + Foundation.exp(-Double(x)))) < 3e-7, "sigmoid(\(x))")
            #expect(abs(Double(tanh[index]) - Foundation.tanh(Double(x))) < 3e-7, "tanh(\(x))")
        }
    }

    @Test("tanh is odd and saturates exactly")
    func tanhShape() {
        #expect(VectorMath.tanh(-0.3) == -VectorMath.tanh(0.3))
        #expect(VectorMath.tanh(50) == 1 && VectorMath.tanh(-50) == -1)
        #expect(VectorMath.sigmoid(100) == 1 && VectorMath.sigmoid(-100) < 1e-37)
    }
}
