/// ONNX Slice with starts already normalised by the dim program; the output shape carries the counts.
package enum SliceOp {
    package static func run(
        _ op: PlanOp, axes: [Int], starts: [DimRef], steps: [Int], in context: some OpContext
    ) throws(EngineError) {
        guard let x = op.input(0), let y = op.output(0) else { throw OpFailure.inconsistent(op, "missing operand") }
        let inShape = context.shapeArray(x), outShape = context.shapeArray(y)
        let rank = inShape.count
        guard outShape.count == rank, axes.count == starts.count, axes.count == steps.count else {
            throw OpFailure.inconsistent(op, "slice parameters do not match the input rank")
        }
        var first = [Int](repeating: 0, count: rank)
        var step = [Int](repeating: 1, count: rank)
        for (i, axis) in axes.enumerated() {
            guard axis >= 0, axis < rank, steps[i] != 0 else { throw OpFailure.inconsistent(op, "bad axis or step") }
            first[axis] = context.dim(starts[i])
            step[axis] = steps[i]
        }
        // Every index the output touches must lie inside the input, whatever the plan says.
        for axis in 0..<rank {
            let count = outShape[axis]
            if count == 0 { return }
            let span = (count - 1).multipliedReportingOverflow(by: step[axis])
            let last = first[axis].addingReportingOverflow(span.partialValue)
            guard !span.overflow, !last.overflow, first[axis] >= 0, first[axis] < inShape[axis],
                last.partialValue >= 0, last.partialValue < inShape[axis]
            else { throw OpFailure.inconsistent(op, "slice of axis \(axis) leaves the input") }
        }
        var inStrides = [Int](repeating: 1, count: rank)
        for axis in stride(from: rank - 2, through: 0, by: -1) { inStrides[axis] = inStrides[axis + 1] * inShape[axis + 1] }
        var offset = 0
        for axis in 0..<rank { offset += first[axis] * inStrides[axis] }
        // Wrapping is harmless: a step so large that this overflows leaves one element on its axis (checked
        // above), so that stride is never used.
        let strides = (0..<rank).map { inStrides[$0] &* step[$0] }
        if context.type(y).storageSize == 4 {
            TransposeOp.copy(context.bytes(x).assumingMemoryBound(to: UInt32.self) + offset,
                             context.bytes(y).assumingMemoryBound(to: UInt32.self), outShape, strides)
        } else {
            TransposeOp.copy(context.bytes(x).assumingMemoryBound(to: UInt64.self) + offset,
                             context.bytes(y).assumingMemoryBound(to: UInt64.self), outShape, strides)
        }
    }
}
