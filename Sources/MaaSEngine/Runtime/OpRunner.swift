/// Runs one plan op against a context: the single dispatch point shared by the executor and constant folding.
package enum OpRunner {
    package static func run(_ op: PlanOp, in context: some OpContext) throws(EngineError) {
        switch op.kind {
        case .dense(let activation): try DenseOp.run(op, activation: activation, in: context)
        case .matMul: try MatMulOp.run(op, in: context)
        case .gemm(let alpha, let beta, let transposeA, let transposeB):
            try GemmOp.run(op, alpha: alpha, beta: beta, transposeA: transposeA, transposeB: transposeB, in: context)
        case .lstm(let parameters): try RecurrentOp.run(op, parameters, gru: false, in: context)
        case .gru(let parameters): try RecurrentOp.run(op, parameters, gru: true, in: context)
        case .conv(let window, let group, let activation):
            try WindowOp.conv(op, window, group: group, activation: activation, in: context)
        case .batchNorm: try ChannelOp.batchNorm(op, in: context)
        case .maxPool(let window): try WindowOp.pool(op, window, average: false, countIncludePad: false, in: context)
        case .averagePool(let window, let countIncludePad):
            try WindowOp.pool(op, window, average: true, countIncludePad: countIncludePad, in: context)
        case .globalAveragePool: try ChannelOp.globalAveragePool(op, in: context)
        case .softmax(let axis, let log, let legacy): try SoftmaxOp.run(op, axis: axis, log: log, legacy: legacy, in: context)
        case .binary(let operation): try BinaryOp.run(op, operation, in: context)
        case .activation(let activation): try ActivationOp.run(op, activation, in: context)
        case .transpose(let permutation): try TransposeOp.run(op, permutation: permutation, in: context)
        case .slice(let axes, let starts, let steps): try SliceOp.run(op, axes: axes, starts: starts, steps: steps, in: context)
        case .gather(let axis): try GatherOp.run(op, axis: axis, in: context)
        case .concat(let axis): try ConcatOp.run(op, axis: axis, in: context)
        case .expand: try ExpandOp.run(op, in: context)
        case .fill(let float, let int): try FillOp.run(op, float: float, int: int, in: context)
        case .cast: try CastOp.run(op, in: context)
        case .reduceMean(let axes): try ReduceMeanOp.run(op, axes: axes, in: context)
        case .materialize(let values): try MaterializeOp.run(op, values: values, in: context)
        case .copy: try MaterializeOp.copy(op, in: context)
        }
    }

    /// Bytes of scratch `op` needs for this run's shapes (0 for most ops).
    package static func scratchBytes(_ op: PlanOp, in context: some OpContext) -> Int {
        switch op.kind {
        case .lstm(let parameters): RecurrentOp.scratchBytes(op, parameters, gru: false, in: context)
        case .gru(let parameters): RecurrentOp.scratchBytes(op, parameters, gru: true, in: context)
        case .conv(let window, let group, _): WindowOp.convScratchBytes(op, window, group: group, in: context)
        default: 0
        }
    }
}
