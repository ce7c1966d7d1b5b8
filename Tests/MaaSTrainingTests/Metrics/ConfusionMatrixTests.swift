import MaaSTraining
import Testing

@Suite("ConfusionMatrix")
struct ConfusionMatrixTests {
    @Test("rows are true classes, columns predicted classes")
    func layout() throws {
        var matrix = ConfusionMatrix(labels: ["a", "b", "c"])
        try matrix.record(truth: 0, predicted: 2)
        try matrix.record(truth: 0, predicted: 2)
        try matrix.record(truth: 1, predicted: 1, count: 3)
        #expect(matrix[0, 2] == 2)
        #expect(matrix[2, 0] == 0)
        #expect(matrix.counts == [0, 0, 2, 0, 3, 0, 0, 0, 0])
        #expect(matrix.support == [2, 3, 0])
        #expect(matrix.predictedCounts == [0, 3, 2])
        #expect((matrix.total, matrix.correct) == (5, 3))
    }

    @Test(
        "an index outside the labels is refused and changes nothing",
        arguments: [(3, 0, MetricsError.Role.truth), (-1, 0, .truth), (0, 3, .predicted), (1, -7, .predicted)])
    func outOfRange(truth: Int, predicted: Int, role: MetricsError.Role) {
        var matrix = ConfusionMatrix(labels: ["a", "b", "c"])
        #expect(throws: MetricsError(role: role, index: role == .truth ? truth : predicted, classCount: 3)) {
            try matrix.record(truth: truth, predicted: predicted)
        }
        #expect(matrix.total == 0)
    }

    @Test("the error names the side, the index and the range")
    func errorMessage() {
        let error = MetricsError(role: .predicted, index: 12, classCount: 10)
        #expect(error.description == "predicted class index 12 is out of range: there are 10 labels (indices 0..<10)")
    }

    @Test("dropping unobserved classes keeps every count and the label order")
    func dropping() throws {
        // b is only predicted, d only present, c and e neither.
        let matrix = try ConfusionMatrix(
            labels: ["a", "b", "c", "d", "e"], truth: [0, 0, 3, 3, 0], predicted: [0, 1, 3, 0, 0])
        let reduced = matrix.droppingUnobservedClasses()
        #expect(reduced.labels == ["a", "b", "d"])
        #expect(reduced.counts == [2, 1, 0, 0, 0, 0, 1, 0, 1])
        #expect((reduced.total, reduced.correct) == (matrix.total, matrix.correct))
    }
}
