import Foundation
import MaaSProtocol
@testable import MaaSTraining

/// The network written the plain way in double precision — nested arrays, loops, libm — for checking the
/// float32 BLAS implementation and for finite differences that float32 would drown in rounding.
struct ReferenceNetwork {
    let shape: NetworkShape
    let decision: ClipDecision
    var layout: ParameterLayout { ParameterLayout(shape) }

    static func sigmoid(_ x: Double) -> Double { 1 / (1 + exp(-x)) }

    /// h[t][b][j] for x[t][b][k], weights in the training layout (W [F, 4H], R [H, 4H], gates i, o, f, c).
    static func lstm(_ x: [[[Double]]], w: [Double], r: [Double], bias: [Double], hidden n: Int) -> [[[Double]]] {
        let steps = x.count, batch = x.first?.count ?? 0, features = x.first?.first?.count ?? 0
        var h = [[Double]](repeating: [Double](repeating: 0, count: n), count: batch)
        var c = h
        var out: [[[Double]]] = []
        for t in 0..<steps {
            var next = h
            for b in 0..<batch {
                var z = bias
                for k in 0..<features { for g in 0..<(4 * n) { z[g] += x[t][b][k] * w[k * 4 * n + g] } }
                for k in 0..<n { for g in 0..<(4 * n) { z[g] += h[b][k] * r[k * 4 * n + g] } }
                for j in 0..<n {
                    let i = sigmoid(z[j]), o = sigmoid(z[n + j]), f = sigmoid(z[2 * n + j]), g = tanh(z[3 * n + j])
                    c[b][j] = f * c[b][j] + i * g
                    next[b][j] = o * tanh(c[b][j])
                }
            }
            h = next
            out.append(h)
        }
        return out
    }

    static func dense(_ x: [[[Double]]], w: [Double], bias: [Double], outputs: Int, relu: Bool) -> [[[Double]]] {
        x.map { step in
            step.map { row in
                (0..<outputs).map { o in
                    var v = bias[o]
                    for k in row.indices { v += row[k] * w[k * outputs + o] }
                    return relu ? max(v, 0) : v
                }
            }
        }
    }

    static func logSoftmax(_ row: [Double]) -> [Double] {
        let peak = row.max()!
        let total = row.reduce(0) { $0 + exp($1 - peak) }
        return row.map { $0 - peak - log(total) }
    }

    /// Mean over rows of −log P(label) from logits [T][B][C] and row lengths.
    static func clipLoss(_ logits: [[[Double]]], lengths: [Int], labels: [Int], decision: ClipDecision) -> Double {
        var total = 0.0
        for b in lengths.indices {
            let frames = (0..<lengths[b]).map { logSoftmax(logits[$0][b]) }
            switch decision {
            case .lastFrame:
                total -= frames[lengths[b] - 1][labels[b]]
            case .meanLogProb:
                let classes = frames[0].count
                let z = (0..<classes).map { k in frames.reduce(0) { $0 + $1[k] } / Double(frames.count) }
                total -= logSoftmax(z)[labels[b]]
            }
        }
        return total / Double(lengths.count)
    }

    func loss(_ batch: Batch, parameters p: [Double]) -> Double {
        let l = layout
        let x = Self.unpack(batch)
        let h = Self.lstm(x, w: Array(p[l.lstmInput]), r: Array(p[l.lstmRecurrent]), bias: Array(p[l.lstmBias]), hidden: shape.hidden)
        let d = Self.dense(h, w: Array(p[l.denseWeights]), bias: Array(p[l.denseBias]), outputs: shape.dense, relu: true)
        let logits = Self.dense(d, w: Array(p[l.outputWeights]), bias: Array(p[l.outputBias]), outputs: shape.classes, relu: false)
        return Self.clipLoss(logits, lengths: batch.lengths, labels: batch.labels, decision: decision)
    }

    /// Per-frame probabilities [T][B][C].
    func frameProbabilities(_ batch: Batch, parameters p: [Double]) -> [[[Double]]] {
        let l = layout
        let h = Self.lstm(Self.unpack(batch), w: Array(p[l.lstmInput]), r: Array(p[l.lstmRecurrent]), bias: Array(p[l.lstmBias]), hidden: shape.hidden)
        let d = Self.dense(h, w: Array(p[l.denseWeights]), bias: Array(p[l.denseBias]), outputs: shape.dense, relu: true)
        let logits = Self.dense(d, w: Array(p[l.outputWeights]), bias: Array(p[l.outputBias]), outputs: shape.classes, relu: false)
        return logits.map { $0.map { Self.logSoftmax($0).map { exp($0) } } }
    }

    /// A batch's values as x[t][b][k].
    static func unpack(_ batch: Batch) -> [[[Double]]] {
        (0..<batch.steps).map { t in
            (0..<batch.rows).map { b in
                (0..<batch.features).map { Double(batch.values[(t * batch.rows + b) * batch.features + $0]) }
            }
        }
    }
}
