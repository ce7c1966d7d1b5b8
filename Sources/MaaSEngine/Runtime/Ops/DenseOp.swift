/// A MatMul by a constant [K, N] weight with optional bias and activation, over every leading row of the input.
package enum DenseOp {
    package static func run(_ op: PlanOp, activation: FusedActivation, in context: some OpContext) throws(EngineError) {
        guard let x = op.input(0), let w = op.input(1), let y = op.output(0) else {
            throw OpFailure.inconsistent(op, "missing operand")
        }
        let weightShape = context.shape(w), inShape = context.shape(x), outShape = context.shape(y)
        guard weightShape.count == 2, let k = inShape.last, let n = outShape.last, weightShape[0] == k, weightShape[1] == n
        else { throw OpFailure.inconsistent(op, "weight \(Array(weightShape)) does not match \(Array(inShape)) → \(Array(outShape))") }
        let rows = k == 0 ? 0 : context.count(x) / k
        guard context.count(y) == rows * n else { throw OpFailure.inconsistent(op, "output rows do not match input rows") }
        var bias: UnsafePointer<Float>? = nil
        if let b = op.input(2) {
            guard context.count(b) == n else { throw OpFailure.inconsistent(op, "bias is not [\(n)]") }
            bias = UnsafePointer(context.floats(b))
        }
        if k == 0 {
            // An empty inner dimension: the product is zero, the result is bias (+ activation).
            let output = context.floats(y)
            for row in 0..<rows {
                for column in 0..<n { output[row * n + column] = bias?[column] ?? 0 }
            }
            activation.apply(output, count: rows * n)
            return
        }
        DenseKernel.run(
            input: context.floats(x), weight: context.floats(w), bias: bias, output: context.floats(y),
            dims: .init(rows: rows, inputFeatures: k, outputFeatures: n, activation: activation))
    }
}
