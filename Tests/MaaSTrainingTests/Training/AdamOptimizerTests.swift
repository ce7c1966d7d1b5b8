import Foundation
import Testing
@testable import MaaSTraining

@Suite("Adam and gradient clipping")
struct AdamOptimizerTests {
    @Test("two Adam steps give the values of the paper's formulas worked by hand")
    func twoSteps() {
        let settings = AdamOptimizer.Settings(learningRate: 0.1, beta1: 0.9, beta2: 0.999, epsilon: 1e-8)
        var adam = AdamOptimizer(settings: settings, parameterCount: 2)
        var p: [Float] = [1, -2]
        adam.update(&p, gradient: [0.5, -4])
        // Step 1: m̂ = g, v̂ = g², so each parameter moves by lr · sign(g) (up to ε).
        #expect(abs(p[0] - 0.9) < 1e-6 && abs(p[1] - (-1.9)) < 1e-6)
        adam.update(&p, gradient: [-1, 2])
        // Step 2, parameter 0: m = 0.9·0.05 + 0.1·(−1) = −0.055, v = 0.999·0.00025 + 0.001·1 = 0.00124975,
        // m̂ = −0.055 / 0.19 = −0.289474, v̂ = 0.00124975 / 0.001999 = 0.625188, step = 0.1 · m̂ / √v̂ = −0.036610.
        #expect(abs(p[0] - Float(0.9 + 0.036610)) < 1e-5)
        // Parameter 1: m = 0.9·(−0.4) + 0.1·2 = −0.16, v = 0.999·0.016 + 0.001·4 = 0.019984,
        // m̂ = −0.842105, v̂ = 9.996998, step = 0.1 · m̂ / 3.161803 = −0.026633.
        #expect(abs(p[1] - Float(-1.9 + 0.026633)) < 1e-5)
        #expect(adam.step == 2)
    }

    @Test("clipping scales the whole gradient to the bound and leaves a small one alone")
    func clipping() {
        var g: [Float] = [3, 4, 0]
        let norm = GradientClipping.clip(&g, maxNorm: 1)
        #expect(norm == 5)
        #expect(abs(g[0] - 0.6) < 1e-7 && abs(g[1] - 0.8) < 1e-7 && g[2] == 0)
        var small: [Float] = [0.3, 0.4]
        GradientClipping.clip(&small, maxNorm: 1)
        #expect(small == [0.3, 0.4])
    }
}
