import Foundation
import MaaSProtocol

/// Turns a version's class scores into answers: the top classes with probabilities (for per-frame scores,
/// after the clip decision) and, when a CTC blank is configured, the greedy transcript.
///
/// Scores are read as probabilities when every row used is a distribution (values in [0, 1] summing to 1
/// within 1e-3, e.g. after Softmax); otherwise as logits or log-probabilities, and normalized with a softmax.
public struct ClassDecoder: Sendable {
    public let classes: ClassesConfig
    public let binding: ClassBinding

    public init(classes: ClassesConfig, binding: ClassBinding) {
        self.classes = classes
        self.binding = binding
    }

    public struct Answer: Sendable, Equatable {
        /// Best first.
        public var top: [ClassScore]
        /// Set when the classes config names a CTC blank.
        public var transcript: String?
    }

    /// nil when the output holds more than one clip (a batched tensor request) or non-finite scores: the
    /// raw outputs still answer those. Throws when the scores do not have the configured number of classes.
    public func answer(values: [Float], shape: [Int], topK requested: Int) throws(ConfigError) -> Answer? {
        let count = classes.names.count
        guard let last = shape.last, last == count else {
            throw ConfigError(
                "output '\(binding.output)' has shape \(shape) but the version's classes config names \(count) classes")
        }
        guard let rows = frameRows(shape), rows > 0, values.count == rows * count else { return nil }
        guard values.allSatisfy({ $0.isFinite }) else { return nil }
        let isDistribution = Self.isDistribution(values, rows: rows, columns: count)
        let clip: [Double]
        if binding.scores == .perClip || classes.clipDecision == .lastFrame {
            clip = Self.logProbabilities(values, row: rows - 1, columns: count, isDistribution: isDistribution).map { exp($0) }
        } else {
            let sums = Self.summedLogProbabilities(values, rows: rows, columns: count, isDistribution: isDistribution)
            clip = Self.softmax(sums.map { $0 / Double(rows) })
        }
        let k = min(max(requested, 1), count)
        let order = (0..<count).sorted { a, b in clip[a] != clip[b] ? clip[a] > clip[b] : a < b }
        let top = order.prefix(k).map { index in
            ClassScore(index: Int32(index), label: classes.names[index], probability: Float(clip[index]))
        }
        var transcript: String? = nil
        if let blank = classes.ctcBlank, binding.scores == .perFrame {
            transcript = Self.greedyCTC(values, rows: rows, columns: count, blank: blank, names: classes.names)
        }
        return Answer(top: top, transcript: transcript)
    }

    /// Rows of scores for one clip, or nil when the tensor holds several clips.
    private func frameRows(_ shape: [Int]) -> Int? {
        switch shape.count {
        case 1: return 1
        case 2: return binding.scores == .perFrame ? shape[0] : (shape[0] == 1 ? 1 : nil)
        case 3:
            switch binding.frameLayout {
            case .timeMajor: return shape[1] == 1 ? shape[0] : nil
            case .batchMajor: return shape[0] == 1 ? shape[1] : nil
            default:
                if shape[1] == 1 { return shape[0] }
                if shape[0] == 1 { return shape[1] }
                return nil
            }
        default: return nil
        }
    }

    /// Whether every row is a probability distribution (values in [0, 1] summing to 1 within 1e-3).
    static func isDistribution(_ values: [Float], rows: Int, columns: Int) -> Bool {
        for row in 0..<rows {
            var sum = 0.0
            for column in 0..<columns {
                let v = Double(values[row * columns + column])
                if v < 0 || v > 1.0001 { return false }
                sum += v
            }
            if abs(sum - 1) > 1e-3 { return false }
        }
        return true
    }

    /// One row's log-probabilities: the logs of a distribution (floored at 1e-30), else a log-softmax.
    static func logProbabilities(_ values: [Float], row: Int, columns: Int, isDistribution: Bool) -> [Double] {
        let base = row * columns
        if isDistribution {
            return (0..<columns).map { log(max(Double(values[base + $0]), 1e-30)) }
        }
        var peak = -Double.infinity
        for column in 0..<columns { peak = max(peak, Double(values[base + column])) }
        var total = 0.0
        for column in 0..<columns { total += exp(Double(values[base + column]) - peak) }
        let logTotal = peak + log(total)
        return (0..<columns).map { Double(values[base + $0]) - logTotal }
    }

    /// Each column's log-probability summed over the rows. For distributions the logs of products of 8 rows
    /// are summed: one log per 8 values (the clip decision runs for every audio Predict), and a product of 8
    /// values floored at 1e-30 stays far above Double's smallest normal (1e-240 against 2e-308).
    static func summedLogProbabilities(_ values: [Float], rows: Int, columns: Int, isDistribution: Bool) -> [Double] {
        var sums = [Double](repeating: 0, count: columns)
        guard isDistribution else {
            for row in 0..<rows {
                let logs = logProbabilities(values, row: row, columns: columns, isDistribution: false)
                for column in 0..<columns { sums[column] += logs[column] }
            }
            return sums
        }
        var products = [Double](repeating: 1, count: columns)
        for row in 0..<rows {
            for column in 0..<columns { products[column] *= max(Double(values[row * columns + column]), 1e-30) }
            if row % 8 == 7 || row == rows - 1 {
                for column in 0..<columns {
                    sums[column] += log(products[column])
                    products[column] = 1
                }
            }
        }
        return sums
    }

    static func softmax(_ scores: [Double]) -> [Double] {
        let peak = scores.max() ?? 0
        let exps = scores.map { exp($0 - peak) }
        let total = exps.reduce(0, +)
        return exps.map { $0 / total }
    }

    /// Argmax per frame, repeats collapsed, blanks dropped, labels joined without a separator.
    static func greedyCTC(_ values: [Float], rows: Int, columns: Int, blank: Int, names: [String]) -> String {
        var text = ""
        var previous = -1
        for row in 0..<rows {
            var best = 0
            for column in 1..<max(columns, 1) where values[row * columns + column] > values[row * columns + best] {
                best = column
            }
            if best != previous && best != blank { text += names[best] }
            previous = best
        }
        return text
    }
}
