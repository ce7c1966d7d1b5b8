/// ONNX Expand: broadcasts the input to the (already inferred) output shape.
package enum ExpandOp {
    package static func run(_ op: PlanOp, in context: some OpContext) throws(EngineError) {
        guard let x = op.input(0), let y = op.output(0) else { throw OpFailure.inconsistent(op, "missing operand") }
        guard let layout = BroadcastLayout(output: context.shapeArray(y), a: context.shapeArray(x), b: []) else {
            throw OpFailure.inconsistent(op, "input does not broadcast to the output")
        }
        if context.type(y).storageSize == 4 {
            try copy(layout, context.bytes(x).assumingMemoryBound(to: UInt32.self),
                     context.bytes(y).assumingMemoryBound(to: UInt32.self))
        } else {
            try copy(layout, context.bytes(x).assumingMemoryBound(to: UInt64.self),
                     context.bytes(y).assumingMemoryBound(to: UInt64.self))
        }
    }

    private static func copy<T>(
        _ layout: BroadcastLayout, _ input: UnsafeMutablePointer<T>, _ output: UnsafeMutablePointer<T>
    ) throws(EngineError) {
        try layout.forEachRow { yOffset, xOffset, _, length, step, _ in
            if step == 1 {
                (output + yOffset).update(from: input + xOffset, count: length)
            } else {
                (output + yOffset).update(repeating: input[xOffset], count: length)
            }
        }
    }
}
