/// ONNX Gemm when it could not become a dense op (non-constant B, or alpha/beta/transA in play).
package enum GemmOp {
    package static func run(
        _ op: PlanOp, alpha: Float, beta: Float, transposeA: Bool, transposeB: Bool, in context: some OpContext
    ) throws(EngineError) {
        guard let a = op.input(0), let b = op.input(1), let y = op.output(0) else {
            throw OpFailure.inconsistent(op, "missing operand")
        }
        let aShape = context.shapeArray(a), bShape = context.shapeArray(b), yShape = context.shapeArray(y)
        guard aShape.count == 2, bShape.count == 2, yShape.count == 2 else {
            throw OpFailure.inconsistent(op, "Gemm operands must be 2-D")
        }
        let m = transposeA ? aShape[1] : aShape[0], k = transposeA ? aShape[0] : aShape[1]
        let n = transposeB ? bShape[0] : bShape[1], kb = transposeB ? bShape[1] : bShape[0]
        guard k == kb, yShape == [m, n] else { throw OpFailure.inconsistent(op, "dimensions do not match") }
        var bias = GemmKernel.Bias.none
        var c: UnsafePointer<Float>? = nil
        if let cTensor = op.input(2) {
            let cShape = context.shapeArray(cTensor)
            let padded = [Int](repeating: 1, count: max(0, 2 - cShape.count)) + cShape
            guard padded.count == 2 else { throw OpFailure.inconsistent(op, "C must have rank ≤ 2") }
            switch (padded[0], padded[1]) {
            case (1, 1): bias = .scalar
            case (1, n): bias = .row
            case (m, 1): bias = .column
            case (m, n): bias = .full
            default: throw OpFailure.inconsistent(op, "C \(cShape) does not broadcast to [\(m), \(n)]")
            }
            c = UnsafePointer(context.floats(cTensor))
        }
        GemmKernel.run(
            a: context.floats(a), b: context.floats(b), c: c, output: context.floats(y),
            dims: .init(m: m, n: n, k: k, transposeA: transposeA, transposeB: transposeB, alpha: alpha, beta: beta,
                        bias: bias))
    }
}
