/// LSTM and GRU: checks the run's shapes against the packed weights, then calls the kernels.
package enum RecurrentOp {
    /// Sequence, batch and the dims every recurrent op derives from its input shape.
    private struct Geometry {
        var steps: Int
        var batch: Int
    }

    private static func geometry(
        _ op: PlanOp, _ p: RecurrentParameters, in context: some OpContext
    ) throws(EngineError) -> Geometry {
        guard let x = op.input(0) else { throw OpFailure.inconsistent(op, "missing input") }
        let shape = context.shape(x)
        guard shape.count == 3, shape[2] == p.inputSize else {
            throw OpFailure.inconsistent(op, "input \(Array(shape)) is not [T, B, \(p.inputSize)]")
        }
        let geometry = p.layout == .timeMajor
            ? Geometry(steps: shape[0], batch: shape[1]) : Geometry(steps: shape[1], batch: shape[0])
        let d = p.direction.count, h = p.hiddenSize
        let stateCount = try OpFailure.product(op, d, geometry.batch, h)
        try expect(op, op.output(0), count: try OpFailure.product(op, geometry.steps, stateCount), in: context)
        for position in 1..<op.outputs.count { try expect(op, op.output(position), count: stateCount, in: context) }
        for position in 3..<max(3, op.inputs.count) { try expect(op, op.input(position), count: stateCount, in: context) }
        try expect(op, op.input(2), count: geometry.batch, in: context)
        return geometry
    }

    private static func expect(_ op: PlanOp, _ tensor: Int?, count: Int, in context: some OpContext) throws(EngineError) {
        guard let tensor else { return }
        guard context.count(tensor) == count else {
            throw OpFailure.inconsistent(op, "operand '\(tensor)' has \(context.count(tensor)) elements, expected \(count)")
        }
    }

    private static func lstmDims(_ p: RecurrentParameters, _ g: Geometry) -> LSTMKernel.Dims {
        .init(sequenceLength: g.steps, batchSize: g.batch, inputSize: p.inputSize, hiddenSize: p.hiddenSize,
              direction: p.direction, layout: p.layout, hasPeepholes: p.hasPeepholes, clip: p.clip,
              inputForget: p.inputForget)
    }

    private static func gruDims(_ p: RecurrentParameters, _ g: Geometry) -> GRUKernel.Dims {
        .init(sequenceLength: g.steps, batchSize: g.batch, inputSize: p.inputSize, hiddenSize: p.hiddenSize,
              direction: p.direction, layout: p.layout, linearBeforeReset: p.linearBeforeReset, clip: p.clip)
    }

    /// Bytes of scratch: the kernel's floats, then the sequence lengths narrowed to Int32.
    package static func scratchBytes(_ op: PlanOp, _ p: RecurrentParameters, gru: Bool, in context: some OpContext) -> Int {
        guard let g = try? geometry(op, p, in: context) else { return 0 }
        let floats = gru ? GRUKernel.scratchCount(for: gruDims(p, g)) : LSTMKernel.scratchCount(for: lstmDims(p, g))
        return floats * 4 + g.batch * 4
    }

    package static func run(_ op: PlanOp, _ p: RecurrentParameters, gru: Bool, in context: some OpContext) throws(EngineError) {
        let g = try geometry(op, p, in: context)
        guard let x = op.input(0), let w = op.input(1), let scratch = context.scratch else {
            throw OpFailure.inconsistent(op, "missing operand or scratch")
        }
        let floats = gru ? GRUKernel.scratchCount(for: gruDims(p, g)) : LSTMKernel.scratchCount(for: lstmDims(p, g))
        let packedCount = gru ? GRUKernel.packedWeightCount(for: gruDims(p, g)) : LSTMKernel.packedWeightCount(for: lstmDims(p, g))
        guard context.count(w) == packedCount else {
            throw OpFailure.inconsistent(op, "packed weights have \(context.count(w)) floats, expected \(packedCount)")
        }
        var lengths: UnsafePointer<Int32>? = nil
        let narrowed = (scratch + floats * 4).assumingMemoryBound(to: Int32.self)
        if let sequenceLens = op.input(2) {
            let source = context.ints(sequenceLens)
            for row in 0..<g.batch { narrowed[row] = Int32(clamping: source[row]) }
            lengths = UnsafePointer(narrowed)
        } else if let rows = context.rowLengths, rows.count == g.batch, rows.max() == g.steps {
            // Padded rows (`LoadedModel.run(_:rowLengths:)`), for a layer whose steps are the padded length.
            for row in 0..<g.batch { narrowed[row] = Int32(clamping: rows[row]) }
            lengths = UnsafePointer(narrowed)
        }
        let work = scratch.assumingMemoryBound(to: Float.self)
        func pointer(_ tensor: Int?) -> UnsafeMutablePointer<Float>? { tensor.map { context.floats($0) } }
        if gru {
            GRUKernel.run(
                .init(x: context.floats(x), weights: context.floats(w), sequenceLengths: lengths,
                      initialH: pointer(op.input(3)).map { UnsafePointer($0) }),
                .init(y: pointer(op.output(0)), finalH: pointer(op.output(1))),
                scratch: work, dims: gruDims(p, g))
        } else {
            LSTMKernel.run(
                .init(x: context.floats(x), weights: context.floats(w), sequenceLengths: lengths,
                      initialH: pointer(op.input(3)).map { UnsafePointer($0) },
                      initialC: pointer(op.input(4)).map { UnsafePointer($0) }),
                .init(y: pointer(op.output(0)), finalH: pointer(op.output(1)), finalC: pointer(op.output(2))),
                scratch: work, dims: lstmDims(p, g))
        }
    }
}
