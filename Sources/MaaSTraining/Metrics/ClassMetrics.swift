/// One class's row of a classification report.
public struct ClassMetrics: Sendable, Equatable {
    public var label: String
    /// Of the samples predicted as this class, the fraction that are; 0 when it was never predicted.
    public var precision: Double
    /// Of the samples of this class, the fraction predicted as it; 0 when it has no samples.
    public var recall: Double
    /// Harmonic mean of precision and recall, computed as 2·TP / (support + predicted) so it is defined
    /// whenever either count is non-zero; 0 when the class was neither present nor predicted.
    public var f1: Double
    /// Samples whose true class this is.
    public var support: Int
    /// Samples predicted as this class.
    public var predicted: Int

    public init(label: String, precision: Double, recall: Double, f1: Double, support: Int, predicted: Int) {
        self.label = label
        self.precision = precision
        self.recall = recall
        self.f1 = f1
        self.support = support
        self.predicted = predicted
    }
}
