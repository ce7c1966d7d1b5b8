/// Conv, MaxPool, AveragePool, GlobalAveragePool and BatchNormalization on [N, C, (H,) W] tensors.
extension GraphCompiler {
    /// Window attributes beyond this are not a real model; refusing them keeps the size arithmetic far from overflow.
    static let maxWindowAttribute = 1 << 20

    /// Resolved window attributes plus the output's spatial dims.
    private struct Window {
        var parameters: WindowParameters
        var outputDims: [DimRef]
    }

    private mutating func window(
        _ context: NodeContext, input: Operand, kernel: [Int], ceilMode: Bool
    ) throws(EngineError) -> Window {
        let spatial = kernel.count
        let strides = try context.ints("strides") ?? [Int](repeating: 1, count: spatial)
        let dilations = try context.ints("dilations") ?? [Int](repeating: 1, count: spatial)
        var pads = try context.ints("pads") ?? [Int](repeating: 0, count: 2 * spatial)
        guard strides.count == spatial, dilations.count == spatial, pads.count == 2 * spatial,
            (strides + dilations + kernel).allSatisfy({ $0 >= 1 && $0 < Self.maxWindowAttribute }),
            pads.allSatisfy({ $0 >= 0 && $0 < Self.maxWindowAttribute })
        else { throw context.invalid("strides \(strides), dilations \(dilations), pads \(pads) do not fit kernel \(kernel)") }
        let inputDims = Array(input.shape[2...])
        var mode = WindowParameters.AutoPad.explicit
        let autoPad = try context.string("auto_pad", default: "NOTSET")
        switch autoPad {
        case "NOTSET": break
        case "VALID": pads = [Int](repeating: 0, count: 2 * spatial)
        case "SAME_UPPER", "SAME_LOWER":
            let upper = autoPad == "SAME_UPPER"
            pads = [Int](repeating: 0, count: 2 * spatial)
            if let sizes = builder.dims.constantValues(inputDims), sizes.allSatisfy({ $0 < 1 << 40 }) {
                for axis in 0..<spatial {
                    (pads[axis], pads[axis + spatial]) = WindowParameters.samePads(
                        input: sizes[axis], kernel: kernel[axis], stride: strides[axis], dilation: dilations[axis],
                        upper: upper)
                }
            } else {
                // A dynamic axis (time): the pads depend on its length, so the op computes them per run.
                mode = upper ? .sameUpper : .sameLower
            }
        default: throw context.invalid("auto_pad '\(autoPad)' is not NOTSET, VALID, SAME_UPPER or SAME_LOWER")
        }
        let parameters = WindowParameters(
            kernel: kernel, padsBegin: Array(pads[..<spatial]), padsEnd: Array(pads[spatial...]), strides: strides,
            dilations: dilations, autoPad: mode)
        var outputDims: [DimRef] = []
        for axis in 0..<spatial {
            let site = "\(context.name): spatial axis \(axis) is too short for the window"
            let length = mode == .explicit
                ? try builder.dims.windowLength(
                    input: inputDims[axis], kernel: kernel[axis], padBegin: pads[axis], padEnd: pads[axis + spatial],
                    stride: strides[axis], dilation: dilations[axis], ceil: ceilMode)
                : try builder.dims.ceilDiv(inputDims[axis], builder.dims.constant(strides[axis]), site: site)
            outputDims.append(try builder.dims.atLeast(length, 1, site: site))
        }
        return Window(parameters: parameters, outputDims: outputDims)
    }

    private func spatialInput(_ context: NodeContext, _ x: Operand) throws(EngineError) {
        guard x.rank == 3 || x.rank == 4 else {
            throw context.unsupported("only 1-D and 2-D inputs ([N, C, W] or [N, C, H, W]) are supported, got rank \(x.rank)")
        }
    }

    mutating func lowerConv(_ context: NodeContext) throws(EngineError) {
        let x = try requiredFloat(context, 0, "X"), w = try requiredFloat(context, 1, "W")
        try spatialInput(context, x)
        guard w.rank == x.rank, let weightShape = builder.dims.constantValues(w.shape) else {
            throw context.invalid("W must have the rank of X and a static shape")
        }
        let kernel = Array(weightShape[2...])
        if let declared = try context.ints("kernel_shape"), declared != kernel {
            throw context.invalid("kernel_shape \(declared) differs from the weight's \(kernel)")
        }
        let group = try context.int("group", default: 1)
        guard group >= 1, weightShape[0] % group == 0 else { throw context.invalid("group \(group) does not divide \(weightShape[0]) output channels") }
        let channels = try builder.dims.mul(w.shape[1], builder.dims.constant(group))
        _ = try builder.dims.equal(x.shape[1], channels, site: "\(context.name): input channels")
        let bias = try operand(context, 2)
        if let bias, bias.shape.count != 1 || !builder.dims.isConstant(bias.shape[0], weightShape[0]) {
            throw context.invalid("B must be [\(weightShape[0])]")
        }
        let window = try window(context, input: x, kernel: kernel, ceilMode: false)
        let shape = [x.shape[0], w.shape[0]] + window.outputDims
        define(context, 0, try emit(
            .conv(window.parameters, group: group, activation: .none), context, inputs: [x, w, bias],
            output: (.float32, shape), fold: false))
    }

    mutating func lowerPool(_ context: NodeContext, average: Bool) throws(EngineError) {
        let x = try requiredFloat(context, 0, "X")
        try spatialInput(context, x)
        guard let kernel = try context.ints("kernel_shape"), kernel.count == x.rank - 2 else {
            throw context.invalid("kernel_shape is required, one entry per spatial axis")
        }
        if !average, context.output(1) != nil { throw context.unsupported("the Indices output of MaxPool is not supported") }
        let ceilMode = try context.int("ceil_mode", default: 0) != 0
        let window = try window(context, input: x, kernel: kernel, ceilMode: ceilMode)
        let kind: PlanOpKind = average
            ? .averagePool(window.parameters, countIncludePad: try context.int("count_include_pad", default: 0) != 0)
            : .maxPool(window.parameters)
        let shape = [x.shape[0], x.shape[1]] + window.outputDims
        define(context, 0, try emit(kind, context, inputs: [x], output: (.float32, shape), fold: false))
    }

    mutating func lowerGlobalAveragePool(_ context: NodeContext) throws(EngineError) {
        let x = try requiredFloat(context, 0, "X")
        guard x.rank >= 3 else { throw context.invalid("X must be [N, C, spatial…]") }
        let one = builder.dims.constant(1)
        let shape = [x.shape[0], x.shape[1]] + [DimRef](repeating: one, count: x.rank - 2)
        define(context, 0, try emit(.globalAveragePool, context, inputs: [x], output: (.float32, shape)))
    }

    mutating func lowerBatchNorm(_ context: NodeContext) throws(EngineError) {
        let x = try requiredFloat(context, 0, "X")
        guard x.rank >= 2, let scale = try required(context, 1, "scale").constant, scale.count > 0 else {
            throw context.unsupported("X must be [N, C, …] and scale a constant [C]")
        }
        let channels = scale.count
        _ = try builder.dims.equal(x.shape[1], builder.dims.constant(channels), site: "\(context.name): channels")
        if context.opset >= 14, try context.int("training_mode", default: 0) != 0 {
            throw context.unsupported("training_mode = 1 is not supported (inference only)")
        }
        if (1..<5).contains(where: { context.output($0) != nil }) {
            throw context.unsupported("the running mean/variance outputs are not supported (inference only)")
        }
        var parameters: [[Float]] = []
        for (position, what) in [(1, "scale"), (2, "B"), (3, "input_mean"), (4, "input_var")] {
            guard let constant = try required(context, position, what).constant, let values = constant.floats,
                values.count == channels
            else { throw context.unsupported("\(what) must be a constant float tensor [\(channels)]") }
            parameters.append(values)
        }
        let epsilon = try context.float("epsilon", default: 1e-5)
        let packed = parameters[0].withUnsafeBufferPointer { scale in
            parameters[1].withUnsafeBufferPointer { bias in
                parameters[2].withUnsafeBufferPointer { mean in
                    parameters[3].withUnsafeBufferPointer { variance in
                        BatchNormKernel.pack(
                            scale: scale.baseAddress!, bias: bias.baseAddress!, mean: mean.baseAddress!,
                            variance: variance.baseAddress!, epsilon: epsilon, channels: channels)
                    }
                }
            }
        }
        let folded = syntheticConstant(ConstantTensor(floats: packed, shape: [packed.count]), base: "\(context.name):batchnorm")
        define(context, 0, try emit(.batchNorm, context, inputs: [x, folded], output: (.float32, x.shape), fold: false))
    }
}
