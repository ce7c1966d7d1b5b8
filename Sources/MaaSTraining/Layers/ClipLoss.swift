import MaaSProtocol
import Glibc

/// Per-frame log-softmax → clip decision → categorical cross-entropy, for a padded time-major batch in which
/// row b is valid for its first `lengths[b]` frames. Frames past a row's length get no gradient, so padding
/// never changes a result.
struct ClipLoss {
    let classes: Int
    let decision: ClipDecision

    /// The clip probabilities of row `b` from per-frame log-probabilities [T, B, C] (double precision: the
    /// mean over up to thousands of frames is summed in double so it does not depend on float rounding).
    func clipProbabilities(logProbabilities: UnsafePointer<Float>, batch: Int, row b: Int, length: Int) -> [Double] {
        let c = classes
        switch decision {
        case .lastFrame:
            let frame = logProbabilities + ((length - 1) * batch + b) * c
            return (0..<c).map { exp(Double(frame[$0])) }
        case .meanLogProb:
            var z = [Double](repeating: 0, count: c)
            for t in 0..<length {
                let frame = logProbabilities + (t * batch + b) * c
                for k in 0..<c { z[k] += Double(frame[k]) }
            }
            let scale = 1 / Double(length)
            let peak = z.max()! * scale
            var total = 0.0
            for k in 0..<c {
                z[k] = exp(z[k] * scale - peak)
                total += z[k]
            }
            return z.map { $0 / total }
        }
    }

    /// Sum over rows of −log P(label), the number of rows whose most probable class is the label, and (when
    /// `dLogits` is given) ∂(scale · Σ loss)/∂logits written for every frame, zero on padding.
    func evaluate(logProbabilities: UnsafePointer<Float>, steps: Int, batch: Int, lengths: [Int], labels: [Int],
                  scale: Float, dLogits: UnsafeMutablePointer<Float>?) -> (lossSum: Double, correct: Int) {
        let c = classes
        dLogits?.update(repeating: 0, count: steps * batch * c)
        var lossSum = 0.0
        var correct = 0
        for b in 0..<batch {
            let length = lengths[b], label = labels[b]
            let p = clipProbabilities(logProbabilities: logProbabilities, batch: batch, row: b, length: length)
            switch decision {
            case .lastFrame:
                lossSum -= Double(logProbabilities[((length - 1) * batch + b) * c + label])
            case .meanLogProb:
                lossSum -= log(max(p[label], Double.leastNormalMagnitude))
            }
            if Self.argmax(p) == label { correct += 1 }
            guard let dLogits else { continue }
            // Both decisions give ∂loss/∂z = P − y. For the mean, ∂loss/∂logits_t = (P − y)/L on every valid
            // frame: the log-softmax's own term, p_t · Σ(P − y)/L, vanishes because P and y both sum to 1.
            let (first, weight) = decision == .lastFrame ? (length - 1, scale) : (0, scale / Float(length))
            for t in first..<length {
                let frame = dLogits + (t * batch + b) * c
                for k in 0..<c { frame[k] = weight * Float(p[k] - (k == label ? 1 : 0)) }
            }
        }
        return (lossSum, correct)
    }

    static func argmax(_ values: [Double]) -> Int {
        var best = 0
        for k in values.indices where values[k] > values[best] { best = k }
        return best
    }
}
