/// ONNX Gather: output = data[…, indices, …] along `axis`; negative indices count from the end.
package enum GatherOp {
    package static func run(_ op: PlanOp, axis: Int, in context: some OpContext) throws(EngineError) {
        guard let data = op.input(0), let indices = op.input(1), let y = op.output(0) else {
            throw OpFailure.inconsistent(op, "missing operand")
        }
        let dataShape = context.shapeArray(data)
        let indexCount = context.count(indices)
        guard axis >= 0, axis < dataShape.count else { throw OpFailure.inconsistent(op, "axis out of range") }
        let outer = dataShape[..<axis].reduce(1, *)
        let axisLength = dataShape[axis]
        let inner = dataShape[(axis + 1)...].reduce(1, *)
        guard context.count(y) == outer * indexCount * inner else {
            throw OpFailure.inconsistent(op, "output size does not match data and indices")
        }
        let elementSize = context.type(y).storageSize
        let source = context.bytes(data), destination = context.bytes(y)
        let index = context.ints(indices)
        let block = inner * elementSize
        for o in 0..<outer {
            for i in 0..<indexCount {
                var position = Int(truncatingIfNeeded: index[i])
                if position < 0 { position += axisLength }
                guard position >= 0, position < axisLength else {
                    throw EngineError.invalidInput(
                        "\(op.origin): index \(index[i]) is out of range for an axis of length \(axisLength)")
                }
                (destination + (o * indexCount + i) * block).copyMemory(
                    from: source + (o * axisLength + position) * block, byteCount: block)
            }
        }
    }
}
