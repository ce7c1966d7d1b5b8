import Foundation
import Testing

/// The cases made by Fixtures/make_fixtures.py: label names, (true, predicted) class indices, and what
/// scikit-learn computed from them, both over every label and over the observed ones.
struct SklearnCase: Decodable, CustomTestStringConvertible {
    struct Answers: Decodable {
        struct Averages: Decodable {
            let precision: Double
            let recall: Double
            let f1: Double
        }
        let accuracy: Double
        /// Indices (into the case's labels) of the classes these answers cover.
        let labels: [Int]
        let confusion: [[Int]]
        let precision: [Double]
        let recall: [Double]
        let f1: [Double]
        let support: [Int]
        let macro: Averages
        let weighted: Averages
    }

    let name: String
    let labels: [String]
    let truth: [Int]
    let predicted: [Int]
    /// `labels=range(len(labels))`, `zero_division=0`.
    let allLabels: Answers
    /// `labels` not passed: scikit-learn's `unique_labels(y_true, y_pred)`.
    let observed: Answers

    var testDescription: String { name }

    static let all: [SklearnCase] = {
        struct Document: Decodable { let cases: [SklearnCase] }
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Fixtures/sklearn_cases.json")
        // A missing or malformed fixture is a broken checkout: fail loudly rather than test nothing.
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return try! decoder.decode(Document.self, from: Data(contentsOf: url)).cases
    }()
}
