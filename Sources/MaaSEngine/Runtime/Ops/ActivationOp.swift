/// Relu, LeakyRelu, Sigmoid, Tanh and Clip as stand-alone ops (when they could not be fused into a kernel).
package enum ActivationOp {
    package static func run(_ op: PlanOp, _ activation: FusedActivation, in context: some OpContext) throws(EngineError) {
        guard let x = op.input(0), let y = op.output(0) else { throw OpFailure.inconsistent(op, "missing operand") }
        let count = context.count(y)
        guard context.count(x) == count else { throw OpFailure.inconsistent(op, "input and output sizes differ") }
        let output = context.floats(y)
        let input = context.floats(x)
        if input != output { output.update(from: input, count: count) }
        activation.apply(output, count: count)
    }
}
