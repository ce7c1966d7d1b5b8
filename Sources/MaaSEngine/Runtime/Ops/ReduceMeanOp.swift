/// ONNX ReduceMean over a set of axes (keepdims only changes the output shape, not the values).
package enum ReduceMeanOp {
    package static func run(_ op: PlanOp, axes: [Int], in context: some OpContext) throws(EngineError) {
        guard let x = op.input(0), let y = op.output(0) else { throw OpFailure.inconsistent(op, "missing operand") }
        let shape = context.shapeArray(x)
        guard axes.allSatisfy({ $0 >= 0 && $0 < shape.count }) else { throw OpFailure.inconsistent(op, "axis out of range") }
        let reduced = Set(axes)
        let kept = shape.indices.map { reduced.contains($0) ? 1 : shape[$0] }
        let outCount = kept.reduce(1, *)
        guard context.count(y) == outCount else { throw OpFailure.inconsistent(op, "output size does not match") }
        let groupSize = reduced.reduce(1) { $0 * shape[$1] }
        let input = context.floats(x), output = context.floats(y)
        output.update(repeating: 0, count: outCount)
        // Walk the input in order; each element's output offset uses the kept shape's strides (0 on reduced axes).
        guard let layout = BroadcastLayout(output: shape, a: kept, b: []) else {
            throw OpFailure.inconsistent(op, "bad reduction shape")
        }
        try layout.forEachRow { xOffset, yOffset, _, length, step, _ in
            if step == 0 {
                var sum: Float = 0
                for i in 0..<length { sum += input[xOffset + i] }
                output[yOffset] += sum
            } else {
                for i in 0..<length { output[yOffset + i] += input[xOffset + i] }
            }
        }
        guard groupSize > 0 else { return }
        let scale = 1 / Float(groupSize)
        for i in 0..<outCount { output[i] *= scale }
    }
}
