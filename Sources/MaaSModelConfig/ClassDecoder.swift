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
        let lastFrame = binding.scores == .perClip || classes.clipDecision == .lastFrame
        let probabilities = values.withUnsafeBufferPointer { scores in
            Self.clipProbabilities(scores, rows: rows, columns: count, lastFrameOnly: lastFrame)
        }
        guard let clip = probabilities else { return nil }
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

    /// The clip's probability per class (the last row's, or the softmax of the mean log-probability over the
    /// rows); nil when a score is not finite. Runs for every Predict with labels, over buffers, without copies:
    /// the answer is the one array it allocates (scratch is a temporary allocation, on the stack when small).
    static func clipProbabilities(
        _ scores: UnsafeBufferPointer<Float>, rows: Int, columns: Int, lastFrameOnly: Bool
    ) -> [Double]? {
        guard rows > 0, columns > 0, scores.count >= rows * columns else { return nil }
        guard let isDistribution = isDistribution(scores, rows: rows, columns: columns) else { return nil }
        if lastFrameOnly {
            let last = UnsafeBufferPointer(rebasing: scores[(rows - 1) * columns..<rows * columns])
            return isDistribution ? last.map { max(Double($0), 1e-30) } : softmax(last.map { Double($0) })
        }
        return withUnsafeTemporaryAllocation(of: Double.self, capacity: columns) { sums in
            if isDistribution {
                summedLogProbabilities(scores, rows: rows, columns: columns, into: sums)
            } else {
                summedScores(scores, rows: rows, columns: columns, into: sums)
            }
            let scale = 1 / Double(rows)
            for column in 0..<columns { sums[column] *= scale }
            return softmax(UnsafeBufferPointer(sums))
        }
    }

    /// Whether every row is a probability distribution (values in [0, 1] summing to 1 within 1e-3); nil when
    /// a score is not finite. Floats summed as Doubles cannot overflow, so a row's sum is finite exactly when
    /// all its scores are. The rows' sums are checked one row at a time, then the range over the whole buffer,
    /// eight lanes at a time (a NaN fails both comparisons, but its row's sum is already NaN).
    static func isDistribution(_ scores: UnsafeBufferPointer<Float>, rows: Int, columns: Int) -> Bool? {
        let count = rows * columns
        guard let first = scores.baseAddress, scores.count >= count else { return nil }
        var isDistribution = true
        for row in 0..<rows {
            let values = first + row * columns
            var sum = 0.0
            for column in 0..<columns { sum += Double(values[column]) }
            guard sum.isFinite else { return nil }
            if abs(sum - 1) > 1e-3 { isDistribution = false }
        }
        guard isDistribution else { return false }
        var outside = SIMDMask<SIMD8<Int32>>(repeating: false)
        let raw = UnsafeRawPointer(first)
        var index = 0
        while index + 8 <= count {
            let lanes = raw.loadUnaligned(fromByteOffset: index * MemoryLayout<Float>.stride, as: SIMD8<Float>.self)
            outside .|= (lanes .< 0) .| (lanes .> 1.0001)
            index += 8
        }
        if any(outside) { return false }
        while index < count {
            if first[index] < 0 || first[index] > 1.0001 { return false }
            index += 1
        }
        return true
    }

    /// Each column's log-probability summed over the rows of a distribution, into `sums`, with one log per
    /// column: the values are multiplied, and every 8 rows each product's power of two is moved into an integer
    /// exponent (exactly: a scaling by a power of two). A product of 8 values floored at 1e-30 stays far above
    /// Double's smallest normal (1e-240 against 2e-308).
    static func summedLogProbabilities(
        _ scores: UnsafeBufferPointer<Float>, rows: Int, columns: Int, into sums: UnsafeMutableBufferPointer<Double>
    ) {
        guard let first = scores.baseAddress, let products = sums.baseAddress, scores.count >= rows * columns,
              sums.count >= columns else { return }
        withUnsafeTemporaryAllocation(of: Int.self, capacity: columns) { exponents in
            products.initialize(repeating: 1, count: columns)
            exponents.initialize(repeating: 0)
            for row in 0..<rows {
                let values = first + row * columns
                for column in 0..<columns { products[column] *= max(Double(values[column]), 1e-30) }
                if row % 8 == 7 {
                    for column in 0..<columns {
                        exponents[column] += Int(products[column].exponent)
                        products[column] = products[column].significand
                    }
                }
            }
            let ln2 = log(2.0)
            for column in 0..<columns { sums[column] = log(products[column]) + Double(exponents[column]) * ln2 }
        }
    }

    /// Each column's score summed over the rows of logits (or log-probabilities), into `sums`. A row's
    /// log-softmax subtracts the same log-sum-exp from every column, and a constant added to every class cancels
    /// in the clip's softmax: the mean log-probability decides as the mean logit does, with no exp or log per
    /// score.
    static func summedScores(
        _ scores: UnsafeBufferPointer<Float>, rows: Int, columns: Int, into sums: UnsafeMutableBufferPointer<Double>
    ) {
        sums.initialize(repeating: 0)
        for row in 0..<rows {
            let base = row * columns
            for column in 0..<columns { sums[column] += Double(scores[base + column]) }
        }
    }

    static func softmax(_ scores: some Collection<Double>) -> [Double] {
        let peak = scores.max() ?? 0
        var exps = scores.map { exp($0 - peak) }
        let total = exps.reduce(0, +)
        for index in exps.indices { exps[index] /= total }
        return exps
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
