/// How up to two inputs map onto an output under ONNX (numpy) broadcasting, with adjacent axes merged
/// whenever every operand treats them alike. A bias add [B, T, N] + [N] becomes [B·T, N] with the bias
/// stride 0 on the outer axis, so the inner loop runs contiguously over N.
package struct BroadcastLayout: Sendable {
    /// Merged output shape (at least one axis).
    package var shape: [Int]
    /// Element strides of each input along the merged axes; 0 where the input is broadcast.
    package var aStrides: [Int]
    package var bStrides: [Int]

    /// `a` and `b` are input shapes; `b` may be empty for a one-input broadcast (Expand).
    /// Returns nil if the shapes do not broadcast to `output`.
    package init?(output: [Int], a: [Int], b: [Int]) {
        let rank = output.count
        guard a.count <= rank, b.count <= rank else { return nil }
        let paddedA = [Int](repeating: 1, count: rank - a.count) + a
        let paddedB = [Int](repeating: 1, count: rank - b.count) + b
        var mergedShape: [Int] = []
        var aBroadcast: [Bool] = []
        var bBroadcast: [Bool] = []
        for axis in 0..<rank {
            let n = output[axis]
            guard paddedA[axis] == n || paddedA[axis] == 1, paddedB[axis] == n || paddedB[axis] == 1 else { return nil }
            if n == 1 { continue }
            let aZero = paddedA[axis] == 1
            let bZero = paddedB[axis] == 1
            if let last = mergedShape.indices.last, aBroadcast[last] == aZero, bBroadcast[last] == bZero {
                mergedShape[last] *= n
            } else {
                mergedShape.append(n)
                aBroadcast.append(aZero)
                bBroadcast.append(bZero)
            }
        }
        if mergedShape.isEmpty {
            mergedShape = [1]
            aBroadcast = [false]
            bBroadcast = [false]
        }
        shape = mergedShape
        aStrides = Self.strides(mergedShape, zeroWhere: aBroadcast)
        bStrides = Self.strides(mergedShape, zeroWhere: bBroadcast)
    }

    private static func strides(_ shape: [Int], zeroWhere broadcast: [Bool]) -> [Int] {
        var strides = [Int](repeating: 0, count: shape.count)
        var stride = 1
        for axis in shape.indices.reversed() where !broadcast[axis] {
            strides[axis] = stride
            stride *= shape[axis]
        }
        return strides
    }

    /// Calls `body(outputOffset, aOffset, bOffset, length, aStep, bStep)` once per contiguous output row.
    @inline(__always)
    package func forEachRow(_ body: (Int, Int, Int, Int, Int, Int) throws(EngineError) -> Void) throws(EngineError) {
        let rank = shape.count
        let length = shape[rank - 1]
        let aStep = aStrides[rank - 1], bStep = bStrides[rank - 1]
        if rank == 1 {
            try body(0, 0, 0, length, aStep, bStep)
            return
        }
        let rows = shape[0..<(rank - 1)].reduce(1, *)
        var index = [Int](repeating: 0, count: rank - 1)
        var aOffset = 0, bOffset = 0
        for row in 0..<rows {
            try body(row * length, aOffset, bOffset, length, aStep, bStep)
            var axis = rank - 2
            while axis >= 0 {
                index[axis] += 1
                aOffset += aStrides[axis]
                bOffset += bStrides[axis]
                if index[axis] < shape[axis] { break }
                aOffset -= aStrides[axis] * shape[axis]
                bOffset -= bStrides[axis] * shape[axis]
                index[axis] = 0
                axis -= 1
            }
        }
    }
}
