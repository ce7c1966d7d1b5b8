/// The ONNX operators (default domain) the engine compiles.
package enum SupportedOperators {
    package static let all: [String] = [
        "Add", "AveragePool", "BatchNormalization", "Cast", "Clip", "Concat", "Constant", "ConstantOfShape", "Conv",
        "Div", "Dropout", "Expand", "Flatten", "GRU", "Gather", "Gemm", "GlobalAveragePool", "Identity", "LSTM",
        "LeakyRelu", "LogSoftmax", "MatMul", "MaxPool", "Mul", "ReduceMean", "Relu", "Reshape", "Shape", "Sigmoid",
        "Slice", "Softmax", "Squeeze", "Sub", "Tanh", "Transpose", "Unsqueeze",
    ]

    package static let set = Set(all)

    package static func isSupported(_ node: OnnxNode) -> Bool {
        (node.domain.isEmpty || node.domain == "ai.onnx") && set.contains(node.opType)
    }

    /// The error for a node the engine cannot run, naming it and listing what it can.
    package static func error(for node: OnnxNode) -> EngineError {
        let domain = node.domain.isEmpty || node.domain == "ai.onnx" ? "" : " (domain '\(node.domain)')"
        return EngineError.unsupported(
            "operator \(node.opType)\(domain) used by \(node.displayName) is not supported; supported operators: "
                + all.joined(separator: ", "))
    }
}
