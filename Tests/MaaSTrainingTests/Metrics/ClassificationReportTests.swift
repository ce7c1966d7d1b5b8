import MaaSTraining
import Testing

@Suite("ClassificationReport")
struct ClassificationReportTests {
    /// numpy sums and averages in a different order than we do; the last bits may differ.
    static let tolerance = 1e-12

    @Test("matches scikit-learn over every label (zero_division=0)", arguments: SklearnCase.all)
    func matchesEveryLabel(_ sample: SklearnCase) throws {
        let report = try ClassificationReport(labels: sample.labels, truth: sample.truth, predicted: sample.predicted)
        try Self.expect(report, equals: sample.allLabels, labels: sample.labels)
    }

    @Test("over observed classes matches scikit-learn without labels=", arguments: SklearnCase.all)
    func matchesObservedLabels(_ sample: SklearnCase) throws {
        let confusion = try ConfusionMatrix(labels: sample.labels, truth: sample.truth, predicted: sample.predicted)
        let report = ClassificationReport(confusion: confusion.droppingUnobservedClasses())
        try Self.expect(report, equals: sample.observed, labels: sample.labels)
    }

    @Test("a class never predicted has precision 0, one never present has recall 0, one neither has F1 0")
    func zeroDivision() throws {
        // Class b is predicted but never present, c is present but never predicted, d is neither.
        let report = try ClassificationReport(labels: ["a", "b", "c", "d"], truth: [0, 0, 2], predicted: [0, 1, 0])
        let b = report.classes[1], c = report.classes[2], d = report.classes[3]
        #expect((b.precision, b.recall, b.f1, b.support, b.predicted) == (0, 0, 0, 0, 1))
        #expect((c.precision, c.recall, c.f1, c.support, c.predicted) == (0, 0, 0, 1, 0))
        #expect((d.precision, d.recall, d.f1, d.support, d.predicted) == (0, 0, 0, 0, 0))
        #expect(report.classes.allSatisfy { $0.precision.isFinite && $0.recall.isFinite && $0.f1.isFinite })
        // a: 1 of 2 predictions right, 1 of 2 samples found.
        #expect(report.classes[0].f1 == 0.5)
        #expect(report.macro.f1 == 0.125)
    }

    @Test("no samples: accuracy and every average are 0, not NaN")
    func empty() {
        let report = ClassificationReport(confusion: ConfusionMatrix(labels: ["a", "b"]))
        #expect(report.total == 0)
        #expect(report.accuracy == 0)
        #expect(report.macro == .init(precision: 0, recall: 0, f1: 0))
        #expect(report.weighted == .init(precision: 0, recall: 0, f1: 0))
        #expect(report.classes.map(\.f1) == [0, 0])
    }

    @Test("no labels at all: an empty report")
    func noLabels() {
        let report = ClassificationReport(confusion: ConfusionMatrix(labels: []))
        #expect(report.classes.isEmpty)
        #expect(report.accuracy == 0)
        #expect(report.macro.f1 == 0)
    }

    static func expect(_ report: ClassificationReport, equals expected: SklearnCase.Answers, labels: [String]) throws {
        #expect(report.labels == expected.labels.map { labels[$0] })
        #expect(report.total == expected.support.reduce(0, +))
        #expect(abs(report.accuracy - expected.accuracy) <= tolerance)
        let n = expected.labels.count
        try #require(report.classes.count == n)
        #expect((0..<n).map { t in (0..<n).map { p in report.confusion[t, p] } } == expected.confusion)
        for i in 0..<n {
            let c = report.classes[i]
            #expect(abs(c.precision - expected.precision[i]) <= tolerance, "precision of \(c.label)")
            #expect(abs(c.recall - expected.recall[i]) <= tolerance, "recall of \(c.label)")
            #expect(abs(c.f1 - expected.f1[i]) <= tolerance, "F1 of \(c.label)")
            #expect(c.support == expected.support[i], "support of \(c.label)")
        }
        for (ours, theirs, name) in [(report.macro, expected.macro, "macro"), (report.weighted, expected.weighted, "weighted")] {
            #expect(abs(ours.precision - theirs.precision) <= tolerance, "\(name) precision")
            #expect(abs(ours.recall - theirs.recall) <= tolerance, "\(name) recall")
            #expect(abs(ours.f1 - theirs.f1) <= tolerance, "\(name) F1")
        }
    }
}
