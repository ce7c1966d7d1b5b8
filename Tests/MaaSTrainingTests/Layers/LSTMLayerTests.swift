import MaaSEngine
import Testing
@testable import MaaSTraining

@Suite("LSTM layer")
struct LSTMLayerTests {
    static let features = 3, hidden = 4, steps = 5, batch = 2

    struct Run {
        var hiddens: [Float]
        var dW: [Float]
        var dR: [Float]
        var db: [Float]
    }

    /// Forward, then backward from `dHiddens`, through the BLAS implementation.
    static func run(x: [Float], w: [Float], r: [Float], bias: [Float], dHiddens: [Float]) -> Run {
        let layer = LSTMLayer(features: features, hidden: hidden)
        let frames = steps * batch, g = 4 * hidden
        let gates = FloatBuffer(frames * g), cells = FloatBuffer(frames * hidden), tanhs = FloatBuffer(frames * hidden)
        let hiddens = FloatBuffer(frames * hidden), dGates = FloatBuffer(frames * g), dCell = FloatBuffer(batch * hidden)
        let upstream = FloatBuffer(frames * hidden), ones = FloatBuffer(frames)
        ones.pointer.update(repeating: 1, count: frames)
        upstream.pointer.update(from: dHiddens, count: frames * hidden)
        var dW = [Float](repeating: .nan, count: features * g), dR = [Float](repeating: .nan, count: hidden * g)
        var db = [Float](repeating: .nan, count: g)
        let activations = LSTMLayer.Activations(gates: gates.pointer, cells: cells.pointer, cellTanh: tanhs.pointer, hiddens: hiddens.pointer)
        layer.forward(x: x, steps: steps, batch: batch, weights: w, recurrent: r, bias: bias, into: activations, kernels: .best)
        layer.backward(x: x, steps: steps, batch: batch, recurrent: r, activations: activations, dHiddens: upstream.pointer,
                       dGates: dGates.pointer, dCell: dCell.pointer, ones: ones.pointer, dWeights: &dW, dRecurrent: &dR, dBias: &db)
        return Run(hiddens: Array(UnsafeBufferPointer(start: hiddens.pointer, count: frames * hidden)), dW: dW, dR: dR, db: db)
    }

    @Test("the forward pass equals a double-precision LSTM and the weight gradients match its finite differences")
    func gradients() {
        var data = TestData(seed: 11)
        let g = 4 * Self.hidden
        let x = data.values(Self.steps * Self.batch * Self.features, scale: 1.5)
        let w = data.values(Self.features * g), r = data.values(Self.hidden * g), bias = data.values(g)
        let projection = data.values(Self.steps * Self.batch * Self.hidden, scale: 1)
        let result = Self.run(x: x, w: w, r: r, bias: bias, dHiddens: projection)

        let input = ReferenceNetwork.unpack(Batch(steps: Self.steps, rows: Self.batch, features: Self.features, values: x,
                                                  lengths: [Self.steps, Self.steps], labels: [0, 0]))
        let wRange = 0..<w.count, rRange = w.count..<(w.count + r.count), bRange = rRange.upperBound..<(rRange.upperBound + g)
        func hiddens(_ p: [Double]) -> [Double] {
            ReferenceNetwork.lstm(input, w: Array(p[wRange]), r: Array(p[rRange]), bias: Array(p[bRange]), hidden: Self.hidden)
                .flatMap { $0.flatMap { $0 } }
        }
        let point = (w + r + bias).doubles
        let reference = hiddens(point)
        #expect(zip(result.hiddens, reference).allSatisfy { abs(Double($0) - $1) < 1e-5 })

        let analytic = result.dW + result.dR + result.db
        let loss: ([Double]) -> Double = { p in zip(hiddens(p), projection).reduce(0) { $0 + $1.0 * Double($1.1) } }
        for (name, range) in [("W", wRange), ("R", rRange), ("b", bRange)] {
            let error = GradientCheck.relativeError(analytic: analytic, at: point, indices: Array(range), loss)
            print("gradient check LSTM \(name): \(error)")
            #expect(error < 1e-3, "LSTM d\(name) relative error \(error)")
        }
    }
}
