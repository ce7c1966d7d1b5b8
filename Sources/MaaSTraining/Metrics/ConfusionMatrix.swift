/// Counts of (true class, predicted class) pairs for a single-label classifier: row = true class,
/// column = predicted class, as scikit-learn's `confusion_matrix` lays it out.
///
/// Built up one answer at a time (`record`), so an evaluation can tally as answers arrive and a trainer can
/// tally a validation pass without keeping the pairs.
public struct ConfusionMatrix: Sendable, Equatable {
    /// Label of class index i; the matrix is `labels.count` × `labels.count`.
    public private(set) var labels: [String]
    /// Row-major: `counts[truth * classCount + predicted]`.
    public private(set) var counts: [Int]

    public init(labels: [String]) {
        self.labels = labels
        counts = [Int](repeating: 0, count: labels.count * labels.count)
    }

    /// A matrix holding every pair of `truth` and `predicted` (same length, class indices into `labels`).
    public init(labels: [String], truth: [Int], predicted: [Int]) throws(MetricsError) {
        precondition(truth.count == predicted.count, "truth has \(truth.count) entries, predicted \(predicted.count)")
        self.init(labels: labels)
        for (t, p) in zip(truth, predicted) { try record(truth: t, predicted: p) }
    }

    public var classCount: Int { labels.count }

    /// Adds one answer. Throws, leaving the matrix unchanged, when either index is not a class.
    public mutating func record(truth: Int, predicted: Int, count: Int = 1) throws(MetricsError) {
        guard labels.indices.contains(truth) else {
            throw MetricsError(role: .truth, index: truth, classCount: classCount)
        }
        guard labels.indices.contains(predicted) else {
            throw MetricsError(role: .predicted, index: predicted, classCount: classCount)
        }
        counts[truth * classCount + predicted] += count
    }

    /// How many samples of class `truth` were predicted as `predicted`.
    public subscript(truth: Int, predicted: Int) -> Int {
        counts[truth * classCount + predicted]
    }

    /// Samples recorded.
    public var total: Int { counts.reduce(0, +) }

    /// Samples whose prediction was their true class (the diagonal).
    public var correct: Int { (0..<classCount).reduce(0) { $0 + self[$1, $1] } }

    /// Samples of each true class (row sums): scikit-learn's `support`.
    public var support: [Int] {
        (0..<classCount).map { row in (0..<classCount).reduce(0) { $0 + self[row, $1] } }
    }

    /// Times each class was predicted (column sums).
    public var predictedCounts: [Int] {
        (0..<classCount).map { column in (0..<classCount).reduce(0) { $0 + self[$1, column] } }
    }

    /// The matrix over only the classes that occur as a true or a predicted class, in their original order.
    ///
    /// A class that never occurs has an all-zero row and column, so nothing is lost: totals and accuracy are
    /// unchanged. A report on the result averages as scikit-learn does when `labels` is not passed (over
    /// `unique_labels(y_true, y_pred)`), instead of over every class the model knows. Useful when a data set
    /// covers only some of a model's classes.
    public func droppingUnobservedClasses() -> ConfusionMatrix {
        let rows = support
        let columns = predictedCounts
        let kept = (0..<classCount).filter { rows[$0] > 0 || columns[$0] > 0 }
        var reduced = ConfusionMatrix(labels: kept.map { labels[$0] })
        for (newTruth, truth) in kept.enumerated() {
            for (newPredicted, predicted) in kept.enumerated() {
                reduced.counts[newTruth * kept.count + newPredicted] = self[truth, predicted]
            }
        }
        return reduced
    }
}
