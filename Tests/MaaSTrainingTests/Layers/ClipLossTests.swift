import MaaSEngine
import MaaSProtocol
import Testing
@testable import MaaSTraining

@Suite("Output layer, softmax, clip decision and cross-entropy")
struct ClipLossTests {
    static let inputs = 4, classes = 3, steps = 5, lengths = [5, 2, 4]

    @Test("gradients of dense → log-softmax → clip decision → cross-entropy match finite differences, padding ignored",
          arguments: ClipDecision.allCases)
    func gradients(decision: ClipDecision) {
        let batch = Self.lengths.count, frames = Self.steps * batch
        var data = TestData(seed: 31)
        let x = data.values(frames * Self.inputs, scale: 1), w = data.values(Self.inputs * Self.classes, scale: 1)
        let bias = data.values(Self.classes, scale: 0.3)
        let labels = [2, 0, 1]
        let layer = DenseLayer(inputs: Self.inputs, outputs: Self.classes, relu: false)
        let loss = ClipLoss(classes: Self.classes, decision: decision)
        var logits = [Float](repeating: .nan, count: frames * Self.classes)
        layer.forward(x: x, frames: frames, weights: w, bias: bias, into: &logits, kernels: .best)
        VectorKernels.best.softmaxRows(logits, into: &logits, rows: frames, length: Self.classes, logarithm: true)
        var dLogits = [Float](repeating: .nan, count: frames * Self.classes)
        let (lossSum, _) = loss.evaluate(logProbabilities: logits, steps: Self.steps, batch: batch, lengths: Self.lengths,
                                         labels: labels, scale: 1 / Float(batch), dLogits: &dLogits)
        var dW = [Float](repeating: .nan, count: Self.inputs * Self.classes), db = [Float](repeating: .nan, count: Self.classes)
        var dX = [Float](repeating: .nan, count: frames * Self.inputs)
        layer.backward(x: x, y: logits, frames: frames, weights: w, dY: &dLogits, ones: [Float](repeating: 1, count: frames),
                       dWeights: &dW, dBias: &db, dX: &dX)

        let wRange = 0..<w.count, bRange = w.count..<(w.count + Self.classes)
        let xRange = bRange.upperBound..<(bRange.upperBound + x.count)
        func meanLoss(_ p: [Double]) -> Double {
            let rows = (0..<Self.steps).map { t in
                (0..<batch).map { b in (0..<Self.inputs).map { p[xRange.lowerBound + (t * batch + b) * Self.inputs + $0] } }
            }
            let logits = ReferenceNetwork.dense(rows, w: Array(p[wRange]), bias: Array(p[bRange]), outputs: Self.classes, relu: false)
            return ReferenceNetwork.clipLoss(logits, lengths: Self.lengths, labels: labels, decision: decision)
        }
        let point = (w + bias + x).doubles
        #expect(abs(lossSum / Double(batch) - meanLoss(point)) < 1e-5)
        let analytic = dW + db + dX
        for (name, range) in [("W", wRange), ("b", bRange), ("x", xRange)] {
            let error = GradientCheck.relativeError(analytic: analytic, at: point, indices: Array(range), meanLoss)
            print("gradient check output+\(decision.name) \(name): \(error)")
            #expect(error < 1e-3, "\(decision.name) d\(name) relative error \(error)")
        }
        // Frames past a row's length receive no gradient at all.
        for b in 0..<batch {
            for t in Self.lengths[b]..<Self.steps {
                #expect((0..<Self.inputs).allSatisfy { dX[(t * batch + b) * Self.inputs + $0] == 0 })
            }
        }
    }
}
