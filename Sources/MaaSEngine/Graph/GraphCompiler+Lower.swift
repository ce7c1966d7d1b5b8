extension GraphCompiler {
    /// Lowers one node: defines its outputs as constants, dim values or plan-op results.
    package mutating func lower(_ node: OnnxNode) throws(EngineError) {
        let context = NodeContext(node, opset: opset)
        switch node.opType {
        case "Add": try lowerBinary(context, .add)
        case "Sub": try lowerBinary(context, .sub)
        case "Mul": try lowerBinary(context, .mul)
        case "Div": try lowerBinary(context, .div)
        case "Relu": try lowerActivation(context, .relu)
        case "LeakyRelu": try lowerActivation(context, .leakyRelu(alpha: try context.float("alpha", default: 0.01)))
        case "Sigmoid": try lowerActivation(context, .sigmoid)
        case "Tanh": try lowerActivation(context, .tanh)
        case "Clip": try lowerClip(context)
        case "Softmax": try lowerSoftmax(context, log: false)
        case "LogSoftmax": try lowerSoftmax(context, log: true)
        case "Identity", "Dropout": try lowerIdentity(context)
        case "Reshape": try lowerReshape(context)
        case "Flatten": try lowerFlatten(context)
        case "Squeeze": try lowerSqueeze(context)
        case "Unsqueeze": try lowerUnsqueeze(context)
        case "Shape": try lowerShape(context)
        case "Constant": try lowerConstant(context)
        case "ConstantOfShape": try lowerConstantOfShape(context)
        case "Cast": try lowerCast(context)
        case "Concat": try lowerConcat(context)
        case "Gather": try lowerGather(context)
        case "Slice": try lowerSlice(context)
        case "Expand": try lowerExpand(context)
        case "Transpose": try lowerTranspose(context)
        case "ReduceMean": try lowerReduceMean(context)
        case "MatMul": try lowerMatMul(context)
        case "Gemm": try lowerGemm(context)
        case "LSTM": try lowerLSTM(context)
        case "GRU": try lowerGRU(context)
        case "Conv": try lowerConv(context)
        case "MaxPool": try lowerPool(context, average: false)
        case "AveragePool": try lowerPool(context, average: true)
        case "GlobalAveragePool": try lowerGlobalAveragePool(context)
        case "BatchNormalization": try lowerBatchNorm(context)
        default: throw SupportedOperators.error(for: node)
        }
    }

    /// ONNX multidirectional broadcasting of two shapes.
    package mutating func broadcastShape(_ a: [DimRef], _ b: [DimRef], site: String) throws(EngineError) -> [DimRef] {
        let rank = max(a.count, b.count)
        let one = builder.dims.constant(1)
        let paddedA = [DimRef](repeating: one, count: rank - a.count) + a
        let paddedB = [DimRef](repeating: one, count: rank - b.count) + b
        var result: [DimRef] = []
        for axis in 0..<rank {
            result.append(try builder.dims.broadcast(paddedA[axis], paddedB[axis], site: "\(site) axis \(axis)"))
        }
        return result
    }
}
