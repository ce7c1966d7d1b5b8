import MaaSTraining

/// The `--json` form of `maas evaluate` (snake_case keys, as in the rest of the CLI).
struct EvaluationJSON: Encodable {
    struct Averages: Encodable {
        var precision: Double
        var recall: Double
        var f1: Double

        init(_ averages: ClassificationReport.Averages) {
            precision = averages.precision
            recall = averages.recall
            f1 = averages.f1
        }
    }

    struct Class: Encodable {
        var label: String
        var precision: Double
        var recall: Double
        var f1: Double
        var support: Int
        var predicted: Int
    }

    struct Confusion: Encodable {
        /// Row and column headers: rows are true labels, columns predicted labels.
        var labels: [String]
        var matrix: [[Int]]
    }

    struct Failure: Encodable {
        var file: String
        var label: String
        var kind: String
        var message: String
    }

    struct Miss: Encodable {
        var file: String
        var label: String
        var predicted: String
        var probability: Float
    }

    var model: String
    var version: Int64
    var data: String
    var clips: Int
    var answered: Int
    var correct: Int
    var failed: Int
    /// Over answered clips.
    var accuracy: Double
    /// Over all clips, failed ones counted as wrong (what --min-accuracy checks).
    var accuracy_counting_failures: Double
    var macro: Averages
    var weighted: Averages
    var classes: [Class]
    var confusion: Confusion
    var failures: [Failure]
    var misclassified: [Miss]
    var skipped_labels: [String]
    var min_accuracy: Double?
    var passed: Bool?
    var elapsed_seconds: Double

    init(summary: EvaluationSummary) {
        let report = summary.report
        model = summary.model
        version = summary.version
        data = summary.data
        clips = summary.result.clips
        answered = summary.result.answered
        correct = report.correct
        failed = summary.result.failures.count
        accuracy = report.accuracy
        accuracy_counting_failures = summary.result.strictAccuracy
        macro = Averages(report.macro)
        weighted = Averages(report.weighted)
        classes = report.classes.map {
            Class(label: $0.label, precision: $0.precision, recall: $0.recall, f1: $0.f1, support: $0.support,
                  predicted: $0.predicted)
        }
        let n = report.labels.count
        confusion = Confusion(
            labels: report.labels,
            matrix: (0..<n).map { t in (0..<n).map { p in report.confusion[t, p] } })
        failures = summary.result.failures.map { Failure(file: $0.path, label: $0.label, kind: $0.kind, message: $0.message) }
        misclassified = summary.result.misses.map {
            Miss(file: $0.path, label: $0.label, predicted: $0.predicted, probability: $0.probability)
        }
        skipped_labels = summary.skippedLabels
        min_accuracy = summary.minimumAccuracy
        passed = summary.minimumAccuracy.map { _ in summary.passed }
        elapsed_seconds = ClipProgress.seconds(summary.result.elapsed)
    }
}
