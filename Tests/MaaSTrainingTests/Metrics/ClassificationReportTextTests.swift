@testable import MaaSTraining
import Testing

@Suite("ClassificationReport text")
struct ClassificationReportTextTests {
    static let report = try! ClassificationReport(
        labels: ["cat", "dog", "bird"], truth: [0, 0, 0, 1, 1, 2, 2, 2, 2], predicted: [0, 1, 0, 1, 2, 2, 2, 0, 2])

    @Test("the metrics table reads like scikit-learn's classification_report(digits=3)")
    func metrics() {
        // classification_report([0,0,0,1,1,2,2,2,2], [0,1,0,1,2,2,2,0,2], target_names=["cat","dog","bird"],
        // digits=3), with our column spacing.
        #expect(Self.report.metricsTable() == """
                          precision  recall  f1-score  support
            cat               0.667   0.667     0.667        3
            dog               0.500   0.500     0.500        2
            bird              0.750   0.750     0.750        4

            accuracy                            0.667        9
            macro avg         0.639   0.639     0.639        9
            weighted avg      0.667   0.667     0.667        9

            """)
    }

    @Test("the confusion table has true labels down the side, predicted across, zeros as dots")
    func confusion() {
        #expect(Self.report.confusionTable() == """
            true \\ predicted  cat  dog  bird
            cat                 2    1     .
            dog                 .    1     1
            bird                1    .     3

            """)
    }

    @Test(
        "fixed-point numbers round half away from zero",
        arguments: [
            (0.0, 3, "0.000"), (1.0, 3, "1.000"), (0.6665, 3, "0.667"), (0.0004, 3, "0.000"), (0.9996, 3, "1.000"),
            (0.5, 0, "1"), (0.125, 2, "0.13"), (-0.25, 1, "-0.3"), (-0.0001, 2, "0.00"), (12.5, 1, "12.5"),
        ])
    func fixed(value: Double, decimals: Int, text: String) {
        #expect(ClassificationReport.fixed(value, decimals) == text)
    }
}
