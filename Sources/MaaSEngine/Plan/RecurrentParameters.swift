/// Resolved LSTM/GRU attributes (sizes, direction, layout, clip, variant flags).
package struct RecurrentParameters: Sendable, Hashable {
    package var inputSize: Int
    package var hiddenSize: Int
    package var direction: RecurrentDirection
    package var layout: RecurrentLayout
    package var clip: Float?
    /// LSTM only.
    package var hasPeepholes: Bool = false
    package var inputForget: Bool = false
    /// GRU only.
    package var linearBeforeReset: Bool = false

    package init(inputSize: Int, hiddenSize: Int, direction: RecurrentDirection, layout: RecurrentLayout, clip: Float?) {
        self.inputSize = inputSize
        self.hiddenSize = hiddenSize
        self.direction = direction
        self.layout = layout
        self.clip = clip
    }
}
