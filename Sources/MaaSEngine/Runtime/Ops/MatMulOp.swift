/// ONNX MatMul: numpy semantics, rank-1 operands promoted, batch dimensions broadcast.
package enum MatMulOp {
    package static func run(_ op: PlanOp, in context: some OpContext) throws(EngineError) {
        guard let a = op.input(0), let b = op.input(1), let y = op.output(0) else {
            throw OpFailure.inconsistent(op, "missing operand")
        }
        var aShape = context.shapeArray(a), bShape = context.shapeArray(b)
        guard !aShape.isEmpty, !bShape.isEmpty else { throw OpFailure.inconsistent(op, "scalar operand") }
        if aShape.count == 1 { aShape.insert(1, at: 0) }
        if bShape.count == 1 { bShape.append(1) }
        let m = aShape[aShape.count - 2], k = aShape[aShape.count - 1]
        let n = bShape[bShape.count - 1]
        guard bShape[bShape.count - 2] == k else { throw OpFailure.inconsistent(op, "inner dimensions differ") }
        let aBatch = Array(aShape.dropLast(2)), bBatch = Array(bShape.dropLast(2))
        let rank = max(aBatch.count, bBatch.count)
        let paddedA = [Int](repeating: 1, count: rank - aBatch.count) + aBatch
        let paddedB = [Int](repeating: 1, count: rank - bBatch.count) + bBatch
        var outBatch: [Int] = []
        for axis in 0..<rank {
            let p = paddedA[axis], q = paddedB[axis]
            guard p == q || p == 1 || q == 1 else { throw OpFailure.inconsistent(op, "batch dimensions do not broadcast") }
            outBatch.append(p == 1 ? q : p)
        }
        var total = try OpFailure.product(op, m, n)
        for size in outBatch { total = try OpFailure.product(op, total, size) }
        guard context.count(y) == total else { throw OpFailure.inconsistent(op, "output size does not match") }
        if k == 0 {
            context.floats(y).update(repeating: 0, count: total)
            return
        }
        BatchedMatMulKernel.run(
            a: context.floats(a), b: context.floats(b), output: context.floats(y),
            dims: .init(m: m, k: k, n: n, outputBatch: outBatch, aBatch: paddedA, bBatch: paddedB))
    }
}
