/// ONNX MatMul on operands of rank ≥ 2 with numpy broadcasting of the leading (batch) dimensions.
/// Rank-1 operands are the caller's business: promote them to [1, K] / [K, 1] and drop the axis after.
package enum BatchedMatMulKernel {
    package struct Dims: Sendable, Hashable {
        package var m: Int
        package var k: Int
        package var n: Int
        /// Batch shape of the output, and of each operand left-padded with 1s to the same rank;
        /// a 1 in an operand where the output has more means that operand is broadcast along it.
        package var outputBatch: [Int]
        package var aBatch: [Int]
        package var bBatch: [Int]

        package init(m: Int, k: Int, n: Int, outputBatch: [Int], aBatch: [Int], bBatch: [Int]) {
            precondition(aBatch.count == outputBatch.count && bBatch.count == outputBatch.count,
                         "batch shapes must be padded to one rank")
            self.m = m
            self.k = k
            self.n = n
            self.outputBatch = outputBatch
            self.aBatch = aBatch
            self.bBatch = bBatch
        }

        package var batchCount: Int { outputBatch.reduce(1, *) }
    }

    /// `output[batch…, M, N] = a[batch…, M, K] · b[batch…, K, N]`.
    package static func run(
        a: UnsafePointer<Float>, b: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>, dims: Dims
    ) {
        let m = dims.m, k = dims.k, n = dims.n
        let batches = dims.batchCount
        guard batches > 0, m > 0, n > 0 else { return }
        let aSize = dims.aBatch.reduce(1, *), bSize = dims.bBatch.reduce(1, *)
        if bSize == 1 && aSize == batches {
            // A shared right operand (a Dense weight behind Reshape): one GEMM over all rows.
            MatrixProduct.multiply(a: a, b: b, c: output, dims: .init(m: batches * m, n: n, k: k))
            return
        }
        let rank = dims.outputBatch.count
        // Index and per-operand strides live on the stack: no heap allocation per call.
        withUnsafeTemporaryAllocation(of: Int.self, capacity: max(3 * rank, 1)) { buffer in
            let index = buffer.baseAddress!, aStrides = index + rank, bStrides = aStrides + rank
            index.initialize(repeating: 0, count: rank)
            broadcastStrides(dims.aBatch, output: dims.outputBatch, matrixSize: m * k, into: aStrides)
            broadcastStrides(dims.bBatch, output: dims.outputBatch, matrixSize: k * n, into: bStrides)
            // Walks the output batch index like an odometer, carrying each operand's offset along.
            var aOffset = 0, bOffset = 0
            for batch in 0..<batches {
                MatrixProduct.multiply(
                    a: a + aOffset, b: b + bOffset, c: output + batch * m * n, dims: .init(m: m, n: n, k: k))
                var axis = rank - 1
                while axis >= 0 {
                    index[axis] += 1
                    aOffset += aStrides[axis]
                    bOffset += bStrides[axis]
                    if index[axis] < dims.outputBatch[axis] { break }
                    aOffset -= aStrides[axis] * index[axis]
                    bOffset -= bStrides[axis] * index[axis]
                    index[axis] = 0
                    axis -= 1
                }
            }
        }
    }

    /// Element strides of an operand per output batch axis; 0 where the operand is broadcast.
    private static func broadcastStrides(_ shape: [Int], output: [Int], matrixSize: Int,
                                         into strides: UnsafeMutablePointer<Int>) {
        var stride = matrixSize
        for axis in shape.indices.reversed() {
            strides[axis] = shape[axis] == 1 && output[axis] != 1 ? 0 : stride
            stride *= shape[axis]
        }
    }
}
