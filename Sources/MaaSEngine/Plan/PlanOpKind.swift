/// What a plan op does, with its resolved parameters.
package enum PlanOpKind: Sendable, Equatable {
    /// inputs [x, weight [K,N] constant, bias [N]?] → [y]: MatMul+Add (+ activation) fused.
    case dense(FusedActivation)
    /// inputs [a, b] → [y]: ONNX MatMul with batch broadcasting.
    case matMul
    /// inputs [a, b, c?] → [y].
    case gemm(alpha: Float, beta: Float, transposeA: Bool, transposeB: Bool)
    /// inputs [x, packed weights, sequence_lens?, initial_h?, initial_c?] → [y?, y_h?, y_c?].
    case lstm(RecurrentParameters)
    /// inputs [x, packed weights, sequence_lens?, initial_h?] → [y?, y_h?].
    case gru(RecurrentParameters)
    /// inputs [x, weight, bias?] → [y].
    case conv(WindowParameters, group: Int, activation: FusedActivation)
    /// inputs [x, packed scale/offset] → [y].
    case batchNorm
    case maxPool(WindowParameters)
    case averagePool(WindowParameters, countIncludePad: Bool)
    case globalAveragePool
    /// `legacy` is the opset < 13 meaning: flatten to 2-D at `axis`.
    case softmax(axis: Int, log: Bool, legacy: Bool)
    case binary(BinaryOperator)
    /// Relu, LeakyRelu, Sigmoid, Tanh, Clip.
    case activation(FusedActivation)
    case transpose(permutation: [Int])
    /// Axes, effective starts (dim refs) and steps; counts come from the output shape.
    case slice(axes: [Int], starts: [DimRef], steps: [Int])
    /// inputs [data, indices] → [y].
    case gather(axis: Int)
    case concat(axis: Int)
    case expand
    /// ConstantOfShape: no inputs; the value is read as the output's type.
    case fill(Float, Int64)
    case cast
    case reduceMean(axes: [Int])
    /// Writes run-time integers (e.g. a Shape result that a kernel consumes as data) into an int tensor.
    case materialize([DimRef])
    case copy

    package var name: String {
        switch self {
        case .dense: "Dense"
        case .matMul: "MatMul"
        case .gemm: "Gemm"
        case .lstm: "LSTM"
        case .gru: "GRU"
        case .conv: "Conv"
        case .batchNorm: "BatchNormalization"
        case .maxPool: "MaxPool"
        case .averagePool: "AveragePool"
        case .globalAveragePool: "GlobalAveragePool"
        case .softmax(_, let log, _): log ? "LogSoftmax" : "Softmax"
        case .binary(let op): ["Add", "Sub", "Mul", "Div"][op.rawValue - 1]
        case .activation: "Activation"
        case .transpose: "Transpose"
        case .slice: "Slice"
        case .gather: "Gather"
        case .concat: "Concat"
        case .expand: "Expand"
        case .fill: "ConstantOfShape"
        case .cast: "Cast"
        case .reduceMean: "ReduceMean"
        case .materialize: "Shape"
        case .copy: "Copy"
        }
    }
}

/// The four elementwise arithmetic operators (ONNX Add, Sub, Mul, Div).
package enum BinaryOperator: Int, Sendable, Hashable, CaseIterable {
    case add = 1, sub, mul, div
}
