/// Softmax and LogSoftmax; `legacy` is the opset 11–12 meaning (normalise the 2-D flattening at `axis`).
package enum SoftmaxOp {
    package static func run(_ op: PlanOp, axis: Int, log: Bool, legacy: Bool, in context: some OpContext) throws(EngineError) {
        guard let x = op.input(0), let y = op.output(0) else { throw OpFailure.inconsistent(op, "missing operand") }
        let shape = context.shapeArray(x)
        guard axis >= 0, axis < max(shape.count, 1), context.count(y) == context.count(x) else {
            throw OpFailure.inconsistent(op, "axis out of range")
        }
        let dims: SoftmaxKernel.Dims
        if shape.isEmpty {
            dims = .init(outer: 1, axisLength: 1, inner: 1)
        } else if legacy {
            dims = .init(outer: shape[..<axis].reduce(1, *), axisLength: shape[axis...].reduce(1, *), inner: 1)
        } else {
            dims = .init(shape: shape, axis: axis)
        }
        if log {
            SoftmaxKernel.logSoftmax(input: context.floats(x), output: context.floats(y), dims: dims)
        } else {
            SoftmaxKernel.softmax(input: context.floats(x), output: context.floats(y), dims: dims)
        }
    }
}
