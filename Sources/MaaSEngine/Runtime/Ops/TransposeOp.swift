/// ONNX Transpose: `output[i_0…i_n] = input[i_perm…]`, any element type.
package enum TransposeOp {
    package static func run(_ op: PlanOp, permutation: [Int], in context: some OpContext) throws(EngineError) {
        guard let x = op.input(0), let y = op.output(0) else { throw OpFailure.inconsistent(op, "missing operand") }
        let inShape = context.shapeArray(x), outShape = context.shapeArray(y)
        let rank = inShape.count
        guard permutation.count == rank, outShape.count == rank,
            Set(permutation) == Set(0..<rank), (0..<rank).allSatisfy({ outShape[$0] == inShape[permutation[$0]] })
        else { throw OpFailure.inconsistent(op, "permutation \(permutation) does not map \(inShape) to \(outShape)") }
        var inStrides = [Int](repeating: 1, count: rank)
        for axis in stride(from: rank - 2, through: 0, by: -1) { inStrides[axis] = inStrides[axis + 1] * inShape[axis + 1] }
        let strides = permutation.map { inStrides[$0] }
        if context.type(y).storageSize == 4 {
            copy(context.bytes(x).assumingMemoryBound(to: UInt32.self),
                 context.bytes(y).assumingMemoryBound(to: UInt32.self), outShape, strides)
        } else {
            copy(context.bytes(x).assumingMemoryBound(to: UInt64.self),
                 context.bytes(y).assumingMemoryBound(to: UInt64.self), outShape, strides)
        }
    }

    /// Walks the output in order; `strides` are the input strides seen from each output axis.
    package static func copy<T>(_ input: UnsafeMutablePointer<T>, _ output: UnsafeMutablePointer<T>, _ shape: [Int], _ strides: [Int]) {
        let total = shape.reduce(1, *)
        guard total > 0 else { return }
        guard let last = shape.indices.last else {
            output[0] = input[0]
            return
        }
        let length = shape[last], step = strides[last]
        var index = [Int](repeating: 0, count: shape.count)
        var source = 0
        var written = 0
        while written < total {
            let out = output + written
            if step == 1 {
                out.update(from: input + source, count: length)
            } else {
                for i in 0..<length { out[i] = input[source + i * step] }
            }
            written += length
            var axis = last - 1
            while axis >= 0 {
                index[axis] += 1
                source += strides[axis]
                if index[axis] < shape[axis] { break }
                source -= strides[axis] * shape[axis]
                index[axis] = 0
                axis -= 1
            }
        }
    }
}
