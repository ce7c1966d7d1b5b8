import MaaSProtocol
import MaaSTraining

/// A finished evaluation as it is shown: the report over the classes the run touched, and the outcome of
/// the `--min-accuracy` check.
struct EvaluationSummary {
    var model: String
    var version: Int64
    var data: String
    var result: EvaluationResult
    /// Data labels left out by --ignore-unknown-labels.
    var skippedLabels: [String]
    var minimumAccuracy: Double?
    /// Over the classes that have clips or were answered: a model's labels that the data does not cover and
    /// the model never answered would add rows of zeros and drag macro averages down (scikit-learn's
    /// `classification_report` without `labels=` makes the same choice).
    let report: ClassificationReport

    init(model: String, version: Int64, data: String, result: EvaluationResult, skippedLabels: [String], minimumAccuracy: Double?) {
        self.model = model
        self.version = version
        self.data = data
        self.result = result
        self.skippedLabels = skippedLabels
        self.minimumAccuracy = minimumAccuracy
        report = ClassificationReport(confusion: result.confusion.droppingUnobservedClasses())
    }

    /// True when no minimum was asked for, or the strict accuracy reaches it.
    var passed: Bool { minimumAccuracy.map { result.strictAccuracy >= $0 } ?? true }

    /// The text for people: metrics, confusion matrix, failures, and a closing line with the headline numbers.
    func text(maxListed: Int = 5) -> String {
        let seconds = ClipProgress.seconds(result.elapsed)
        let labels = Set(result.failures.map(\.label)).union(report.classes.filter { $0.support > 0 }.map(\.label))
        var out = "\(model) version \(version) on \(data): \(result.clips) clips of \(labels.count) labels, "
            + "\(Units.oneDecimal(seconds)) s" + (seconds > 0 ? " (\(Units.oneDecimal(Double(result.clips) / seconds)) clips/s)" : "")
            + "\n\n"
        let shown = Self.printable(report)
        out += shown.metricsTable() + "\n"
        out += "confusion matrix (rows: true label, columns: predicted label)\n"
        out += shown.confusionTable()
        if !result.failures.isEmpty {
            var kinds: [String: Int] = [:]
            for failure in result.failures { kinds[failure.kind, default: 0] += 1 }
            let counts = kinds.sorted { ($0.value, $1.key) > ($1.value, $0.key) }.map { "\($0.value) \($0.key)" }
            out += "\n\(result.failures.count) clip\(result.failures.count == 1 ? "" : "s") failed (not in the tables above): "
                + counts.joined(separator: ", ") + "\n"
            for failure in result.failures.prefix(maxListed) {
                out += "  \(failure.path): \(failure.kind): \(Self.printable(failure.message))\n"
            }
            if result.failures.count > maxListed { out += "  … \(result.failures.count - maxListed) more (--json lists them all)\n" }
            if kinds[StatusCode.resourceExhausted.name] != nil {
                out += "hint: the server refused calls over its queue; lower --concurrency (or raise its --queue-depth)\n"
            }
        }
        out += "\naccuracy \(ClassificationReport.fixed(report.accuracy, 3)) (\(report.correct) of \(result.answered) clips)"
        if !result.failures.isEmpty {
            out += ", \(ClassificationReport.fixed(result.strictAccuracy, 3)) counting the \(result.failures.count) failed as wrong"
        }
        out += "; macro-F1 \(ClassificationReport.fixed(report.macro.f1, 3))\n"
        return out
    }

    /// The report with its labels (registered by whoever uploaded the model) made printable.
    private static func printable(_ report: ClassificationReport) -> ClassificationReport {
        let labels = report.labels.map(printable)
        guard labels != report.labels else { return report }
        var confusion = ConfusionMatrix(labels: labels)
        for t in labels.indices {
            for p in labels.indices { try! confusion.record(truth: t, predicted: p, count: report.confusion[t, p]) }
        }
        return ClassificationReport(confusion: confusion)
    }

    /// Server messages are shown as they came, except control characters: a hostile server must not be able
    /// to move the cursor or forge lines.
    static func printable(_ text: String) -> String {
        String(String.UnicodeScalarView(text.unicodeScalars.map { $0.value < 0x20 || $0.value == 0x7F ? "?" : $0 }))
    }
}
