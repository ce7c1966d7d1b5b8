/// Per-channel ops on [N, C, …] tensors: inference BatchNormalization and GlobalAveragePool.
package enum ChannelOp {
    package static func batchNorm(_ op: PlanOp, in context: some OpContext) throws(EngineError) {
        guard let x = op.input(0), let packed = op.input(1), let y = op.output(0) else {
            throw OpFailure.inconsistent(op, "missing operand")
        }
        let shape = context.shapeArray(x)
        guard shape.count >= 2, context.count(packed) == BatchNormKernel.packedCount(channels: shape[1]),
            context.count(y) == context.count(x)
        else { throw OpFailure.inconsistent(op, "scale and bias do not match \(shape)") }
        BatchNormKernel.run(
            input: context.floats(x), packed: context.floats(packed), output: context.floats(y),
            dims: .init(batchSize: shape[0], channels: shape[1], spatialSize: shape[2...].reduce(1, *)))
    }

    package static func globalAveragePool(_ op: PlanOp, in context: some OpContext) throws(EngineError) {
        guard let x = op.input(0), let y = op.output(0) else { throw OpFailure.inconsistent(op, "missing operand") }
        let shape = context.shapeArray(x)
        guard shape.count >= 2, context.count(y) == shape[0] * shape[1] else {
            throw OpFailure.inconsistent(op, "output is not [N, C, 1…]")
        }
        PoolKernel.globalAveragePool(
            input: context.floats(x), output: context.floats(y), planes: shape[0] * shape[1],
            spatialSize: shape[2...].reduce(1, *))
    }
}
