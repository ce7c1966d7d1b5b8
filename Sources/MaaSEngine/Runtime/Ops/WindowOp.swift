/// Conv, MaxPool and AveragePool: builds the sliding window from the run's shapes after checking that
/// every size the kernels will index with agrees with the tensors' real sizes.
package enum WindowOp {
    /// Batch, channels and window of an [N, C, spatial…] input and its output.
    private struct Geometry {
        var batch: Int
        var inputChannels: Int
        var outputChannels: Int
        var window: SlidingWindow
    }

    private static func geometry(
        _ op: PlanOp, _ p: WindowParameters, kernel: [Int], in context: some OpContext
    ) throws(EngineError) -> Geometry {
        guard let x = op.input(0), let y = op.output(0) else { throw OpFailure.inconsistent(op, "missing operand") }
        let inShape = context.shapeArray(x), outShape = context.shapeArray(y)
        let spatial = p.spatialRank
        guard spatial == 1 || spatial == 2, inShape.count == spatial + 2, outShape.count == spatial + 2,
            kernel.count == spatial, p.padsBegin.count == spatial, p.padsEnd.count == spatial,
            p.strides.count == spatial, p.dilations.count == spatial, inShape[0] == outShape[0],
            (p.padsBegin + p.padsEnd).allSatisfy({ $0 >= 0 && $0 < 1 << 20 }),
            (p.strides + p.dilations + kernel).allSatisfy({ $0 >= 1 && $0 < 1 << 20 })
        else { throw OpFailure.inconsistent(op, "window attributes do not match \(inShape) → \(outShape)") }
        let inputSizes = Array(inShape[2...])
        let (padsBegin, padsEnd) = p.pads(forInput: inputSizes)
        for axis in 0..<spatial {
            let output = outShape[axis + 2]
            let lengths = [false, true].map { ceil in
                (try? WindowArithmetic.length(
                    input: inputSizes[axis], kernel: kernel[axis], padBegin: padsBegin[axis], padEnd: padsEnd[axis],
                    stride: p.strides[axis], dilation: p.dilations[axis], ceil: ceil)) ?? -1
            }
            guard lengths.contains(output) else {
                throw OpFailure.inconsistent(op, "output length \(output) of spatial axis \(axis) is wrong")
            }
        }
        let window = SlidingWindow(
            input: inputSizes, kernel: kernel, output: Array(outShape[2...]), padsBegin: padsBegin,
            padsEnd: padsEnd, strides: p.strides, dilations: p.dilations)
        return Geometry(batch: inShape[0], inputChannels: inShape[1], outputChannels: outShape[1], window: window)
    }

    private static func convDims(
        _ op: PlanOp, _ p: WindowParameters, group: Int, activation: FusedActivation, in context: some OpContext
    ) throws(EngineError) -> ConvKernel.Dims {
        guard let w = op.input(1) else { throw OpFailure.inconsistent(op, "missing weight") }
        let weightShape = context.shapeArray(w)
        guard weightShape.count == p.spatialRank + 2 else { throw OpFailure.inconsistent(op, "weight rank is wrong") }
        let g = try geometry(op, p, kernel: Array(weightShape[2...]), in: context)
        guard group >= 1, g.inputChannels % group == 0, g.outputChannels % group == 0,
            weightShape[0] == g.outputChannels, weightShape[1] == g.inputChannels / group
        else { throw OpFailure.inconsistent(op, "weight \(weightShape) does not fit the channels and group \(group)") }
        if let b = op.input(2), context.count(b) != g.outputChannels {
            throw OpFailure.inconsistent(op, "bias is not [\(g.outputChannels)]")
        }
        return ConvKernel.Dims(
            batchSize: g.batch, inputChannels: g.inputChannels, outputChannels: g.outputChannels, group: group,
            window: g.window, activation: activation)
    }

    package static func convScratchBytes(
        _ op: PlanOp, _ p: WindowParameters, group: Int, in context: some OpContext
    ) -> Int {
        guard let dims = try? convDims(op, p, group: group, activation: .none, in: context) else { return 0 }
        return ConvKernel.scratchCount(for: dims) * 4
    }

    package static func conv(
        _ op: PlanOp, _ p: WindowParameters, group: Int, activation: FusedActivation, in context: some OpContext
    ) throws(EngineError) {
        let dims = try convDims(op, p, group: group, activation: activation, in: context)
        guard let x = op.input(0), let w = op.input(1), let y = op.output(0) else {
            throw OpFailure.inconsistent(op, "missing operand")
        }
        let needed = ConvKernel.scratchCount(for: dims)
        guard needed == 0 || context.scratch != nil else { throw OpFailure.inconsistent(op, "missing scratch") }
        ConvKernel.run(
            input: context.floats(x), weight: context.floats(w), bias: op.input(2).map { UnsafePointer(context.floats($0)) },
            output: context.floats(y), scratch: context.scratch?.assumingMemoryBound(to: Float.self), dims: dims)
    }

    package static func pool(
        _ op: PlanOp, _ p: WindowParameters, average: Bool, countIncludePad: Bool, in context: some OpContext
    ) throws(EngineError) {
        let g = try geometry(op, p, kernel: p.kernel, in: context)
        guard let x = op.input(0), let y = op.output(0), g.inputChannels == g.outputChannels else {
            throw OpFailure.inconsistent(op, "pooling must keep the channels")
        }
        let dims = PoolKernel.Dims(batchSize: g.batch, channels: g.inputChannels, window: g.window)
        if average {
            PoolKernel.averagePool(
                input: context.floats(x), output: context.floats(y), dims: dims, countIncludePad: countIncludePad)
        } else {
            PoolKernel.maxPool(input: context.floats(x), output: context.floats(y), dims: dims)
        }
    }
}
