/// ConstantOfShape with a run-time shape: every element of the output set to one value.
package enum FillOp {
    package static func run(_ op: PlanOp, float: Float, int: Int64, in context: some OpContext) throws(EngineError) {
        guard let y = op.output(0) else { throw OpFailure.inconsistent(op, "missing output") }
        let count = context.count(y)
        if context.type(y).isFloat {
            context.floats(y).update(repeating: float, count: count)
        } else {
            context.ints(y).update(repeating: int, count: count)
        }
    }
}
