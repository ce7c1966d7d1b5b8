/// Sizes of the reference speech network: MFCC frames → LSTM(hidden) → Dense(dense, ReLU) → Dense(classes).
public struct NetworkShape: Sendable, Hashable, Codable {
    /// MFCC coefficients per frame.
    public var features: Int
    public var hidden: Int
    public var dense: Int
    public var classes: Int

    public init(features: Int, hidden: Int = 128, dense: Int = 64, classes: Int) {
        self.features = features
        self.hidden = hidden
        self.dense = dense
        self.classes = classes
    }

    /// Width of the LSTM's gate block: four gates of `hidden` each.
    var gates: Int { 4 * hidden }
}
