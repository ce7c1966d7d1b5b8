/// Accuracy, per-class precision/recall/F1 and their macro and support-weighted averages for a single-label
/// classifier, with the confusion matrix they come from.
///
/// The numbers are scikit-learn's (`accuracy_score`, `precision_recall_fscore_support` and
/// `classification_report` with `labels=range(len(labels))` and `zero_division=0`), so they can be compared
/// with a Python pipeline's:
/// - A class never predicted has precision 0; a class with no samples has recall 0; F1 is 2·TP / (support +
///   predicted), which is 0 whenever TP is 0, including for a class neither present nor predicted.
/// - Macro averages are plain means over **every** label of the matrix, so classes with no samples pull them
///   down. To average only over classes that occur (scikit-learn's default when `labels` is not passed),
///   build the report from `confusion.droppingUnobservedClasses()`.
/// - Weighted averages weight each class by its support.
/// - With no samples at all, accuracy and every average are 0.
public struct ClassificationReport: Sendable, Equatable {
    /// Precision, recall and F1 averaged over classes.
    public struct Averages: Sendable, Equatable {
        public var precision: Double
        public var recall: Double
        public var f1: Double

        public init(precision: Double, recall: Double, f1: Double) {
            self.precision = precision
            self.recall = recall
            self.f1 = f1
        }
    }

    public let confusion: ConfusionMatrix
    /// One entry per label, in label order.
    public let classes: [ClassMetrics]
    /// Correct answers over all answers.
    public let accuracy: Double
    /// Unweighted mean over the labels.
    public let macro: Averages
    /// Mean over the labels weighted by support.
    public let weighted: Averages

    public init(confusion: ConfusionMatrix) {
        self.confusion = confusion
        let support = confusion.support
        let predicted = confusion.predictedCounts
        classes = confusion.labels.indices.map { c in
            let truePositives = Double(confusion[c, c])
            return ClassMetrics(
                label: confusion.labels[c],
                precision: Self.ratio(truePositives, Double(predicted[c])),
                recall: Self.ratio(truePositives, Double(support[c])),
                f1: Self.ratio(2 * truePositives, Double(support[c] + predicted[c])),
                support: support[c],
                predicted: predicted[c])
        }
        let total = confusion.total
        accuracy = Self.ratio(Double(confusion.correct), Double(total))
        let count = Double(classes.count)
        macro = Averages(
            precision: Self.ratio(classes.reduce(0) { $0 + $1.precision }, count),
            recall: Self.ratio(classes.reduce(0) { $0 + $1.recall }, count),
            f1: Self.ratio(classes.reduce(0) { $0 + $1.f1 }, count))
        let weight = Double(total)
        weighted = Averages(
            precision: Self.ratio(classes.reduce(0) { $0 + $1.precision * Double($1.support) }, weight),
            recall: Self.ratio(classes.reduce(0) { $0 + $1.recall * Double($1.support) }, weight),
            f1: Self.ratio(classes.reduce(0) { $0 + $1.f1 * Double($1.support) }, weight))
    }

    /// The report on pairs of true and predicted class indices into `labels`.
    public init(labels: [String], truth: [Int], predicted: [Int]) throws(MetricsError) {
        self.init(confusion: try ConfusionMatrix(labels: labels, truth: truth, predicted: predicted))
    }

    public var labels: [String] { confusion.labels }
    /// Samples the report covers.
    public var total: Int { confusion.total }
    public var correct: Int { confusion.correct }

    /// scikit-learn's `zero_division=0`: a ratio with nothing to divide by is 0, not NaN.
    private static func ratio(_ numerator: Double, _ denominator: Double) -> Double {
        denominator == 0 ? 0 : numerator / denominator
    }
}
