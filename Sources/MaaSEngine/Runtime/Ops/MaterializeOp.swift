/// Writes run-time integers from the dim program into an int tensor (a Shape result used as data), and Copy.
package enum MaterializeOp {
    package static func run(_ op: PlanOp, values: [DimRef], in context: some OpContext) throws(EngineError) {
        guard let y = op.output(0) else { throw OpFailure.inconsistent(op, "missing output") }
        guard context.count(y) == values.count else { throw OpFailure.inconsistent(op, "output size does not match") }
        let output = context.ints(y)
        for (i, ref) in values.enumerated() { output[i] = Int64(context.dim(ref)) }
    }

    package static func copy(_ op: PlanOp, in context: some OpContext) throws(EngineError) {
        guard let x = op.input(0), let y = op.output(0) else { throw OpFailure.inconsistent(op, "missing operand") }
        let count = context.count(y)
        guard context.count(x) == count, context.type(x).storageSize == context.type(y).storageSize else {
            throw OpFailure.inconsistent(op, "input and output sizes differ")
        }
        context.bytes(y).copyMemory(from: context.bytes(x), byteCount: count * context.type(y).storageSize)
    }
}
