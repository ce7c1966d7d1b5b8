/// Where each weight tensor sits in the one flat parameter vector.
///
/// Keeping every parameter in one `[Float]` makes Adam, gradient clipping, checkpoints and the
/// "same seed → bit-identical weights" comparison single loops over one buffer.
///
/// Matrices are row-major with the layer input as rows, so a layer is `Y = X · W + b` as one GEMM over all
/// frames. The LSTM gate columns are in ONNX order — input, output, forget, cell — so the three sigmoid gates
/// are adjacent (one vector call per row) and export only transposes.
public struct ParameterLayout: Sendable, Hashable {
    public let shape: NetworkShape
    /// LSTM input kernel W [features, 4·hidden].
    public let lstmInput: Range<Int>
    /// LSTM recurrent kernel R [hidden, 4·hidden].
    public let lstmRecurrent: Range<Int>
    /// LSTM bias [4·hidden].
    public let lstmBias: Range<Int>
    /// First dense layer [hidden, dense] and its bias [dense].
    public let denseWeights: Range<Int>
    public let denseBias: Range<Int>
    /// Output layer [dense, classes] and its bias [classes].
    public let outputWeights: Range<Int>
    public let outputBias: Range<Int>

    public init(_ shape: NetworkShape) {
        self.shape = shape
        var next = 0
        func take(_ count: Int) -> Range<Int> {
            defer { next += count }
            return next..<(next + count)
        }
        lstmInput = take(shape.features * shape.gates)
        lstmRecurrent = take(shape.hidden * shape.gates)
        lstmBias = take(shape.gates)
        denseWeights = take(shape.hidden * shape.dense)
        denseBias = take(shape.dense)
        outputWeights = take(shape.dense * shape.classes)
        outputBias = take(shape.classes)
        count = next
    }

    /// Total number of parameters.
    public let count: Int

    /// Every tensor with a name, for reports and tests.
    public var tensors: [(name: String, range: Range<Int>)] {
        [("lstm.W", lstmInput), ("lstm.R", lstmRecurrent), ("lstm.b", lstmBias), ("dense.W", denseWeights),
         ("dense.b", denseBias), ("output.W", outputWeights), ("output.b", outputBias)]
    }

    /// Offsets of the gate blocks inside a 4·hidden gate row.
    enum Gate: Int, CaseIterable {
        case input = 0, output, forget, cell
    }
}
