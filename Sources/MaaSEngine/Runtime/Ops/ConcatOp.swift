/// ONNX Concat along `axis` of any element type.
package enum ConcatOp {
    package static func run(_ op: PlanOp, axis: Int, in context: some OpContext) throws(EngineError) {
        guard let y = op.output(0) else { throw OpFailure.inconsistent(op, "missing output") }
        let outShape = context.shapeArray(y)
        guard axis >= 0, axis < outShape.count else { throw OpFailure.inconsistent(op, "axis out of range") }
        let elementSize = context.type(y).storageSize
        let outer = outShape[..<axis].reduce(1, *)
        let inner = outShape[(axis + 1)...].reduce(1, *)
        let outBlock = outShape[axis] * inner * elementSize
        let destination = context.bytes(y)
        var offset = 0
        for input in op.inputs {
            guard let input else { throw OpFailure.inconsistent(op, "missing input") }
            let shape = context.shapeArray(input)
            guard shape.count == outShape.count,
                (0..<shape.count).allSatisfy({ $0 == axis || shape[$0] == outShape[$0] })
            else { throw OpFailure.inconsistent(op, "input shape \(shape) does not fit output \(outShape)") }
            let block = shape[axis] * inner * elementSize
            guard offset + block <= outBlock else { throw OpFailure.inconsistent(op, "inputs overflow the output") }
            let source = context.bytes(input)
            for o in 0..<outer {
                (destination + o * outBlock + offset).copyMemory(from: source + o * block, byteCount: block)
            }
            offset += block
        }
        guard offset == outBlock else { throw OpFailure.inconsistent(op, "inputs do not fill the output") }
    }
}
