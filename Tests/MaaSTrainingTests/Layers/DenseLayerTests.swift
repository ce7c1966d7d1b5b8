import MaaSEngine
import Testing
@testable import MaaSTraining

@Suite("Dense layer")
struct DenseLayerTests {
    @Test("ReLU dense gradients (weights, bias, input) match finite differences of a double-precision layer")
    func reluGradients() {
        let inputs = 4, outputs = 5, frames = 6
        var data = TestData(seed: 21)
        let x = data.values(frames * inputs, scale: 1), w = data.values(inputs * outputs), bias = data.values(outputs, scale: 0.2)
        let projection = data.values(frames * outputs, scale: 1)
        let layer = DenseLayer(inputs: inputs, outputs: outputs, relu: true)
        var y = [Float](repeating: .nan, count: frames * outputs)
        layer.forward(x: x, frames: frames, weights: w, bias: bias, into: &y, kernels: .best)
        var dY = projection, dW = [Float](repeating: .nan, count: inputs * outputs)
        var db = [Float](repeating: .nan, count: outputs), dX = [Float](repeating: .nan, count: frames * inputs)
        let ones = [Float](repeating: 1, count: frames)
        layer.backward(x: x, y: y, frames: frames, weights: w, dY: &dY, ones: ones, dWeights: &dW, dBias: &db, dX: &dX)

        // Parameters and the input are all differentiated: p = [W, b, x].
        let wRange = 0..<w.count, bRange = w.count..<(w.count + outputs), xRange = bRange.upperBound..<(bRange.upperBound + x.count)
        func output(_ p: [Double]) -> [Double] {
            let rows = [(0..<frames).map { f in (0..<inputs).map { p[xRange.lowerBound + f * inputs + $0] } }]
            return ReferenceNetwork.dense(rows, w: Array(p[wRange]), bias: Array(p[bRange]), outputs: outputs, relu: true)
                .flatMap { $0.flatMap { $0 } }
        }
        let point = (w + bias + x).doubles
        #expect(zip(y, output(point)).allSatisfy { abs(Double($0) - $1) < 1e-6 })
        let loss: ([Double]) -> Double = { p in zip(output(p), projection).reduce(0) { $0 + $1.0 * Double($1.1) } }
        let analytic = dW + db + dX
        for (name, range) in [("W", wRange), ("b", bRange), ("x", xRange)] {
            let error = GradientCheck.relativeError(analytic: analytic, at: point, indices: Array(range), loss)
            print("gradient check dense+ReLU \(name): \(error)")
            #expect(error < 1e-3, "dense d\(name) relative error \(error)")
        }
    }
}
