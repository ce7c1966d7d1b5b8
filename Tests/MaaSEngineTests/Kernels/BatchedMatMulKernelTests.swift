import Testing
@testable import MaaSEngine

@Suite("Batched MatMul kernel")
struct BatchedMatMulKernelTests {
    @Test("matches onnxruntime", arguments: KernelFixtures.opCases("MatMul"))
    func matchesOnnxRuntime(caseName: String) throws {
        let fixture = KernelFixtures.case(caseName)
        let a = try #require(fixture.nodeInput(0))
        let b = try #require(fixture.nodeInput(1))
        let expected = try #require(fixture.expected(fixture.op!.outputs[0]))
        // ONNX promotes a rank-1 left operand to [1, K] and a rank-1 right one to [K, 1].
        let aShape = a.shape.count == 1 ? [1] + a.shape : a.shape
        let bShape = b.shape.count == 1 ? b.shape + [1] : b.shape
        let rank = max(aShape.count, bShape.count) - 2
        let aBatch = [Int](repeating: 1, count: rank - (aShape.count - 2)) + aShape.dropLast(2)
        let bBatch = [Int](repeating: 1, count: rank - (bShape.count - 2)) + bShape.dropLast(2)
        let outputBatch = zip(aBatch, bBatch).map { max($0, $1) }
        let dims = BatchedMatMulKernel.Dims(
            m: aShape[aShape.count - 2], k: aShape.last!, n: bShape.last!,
            outputBatch: outputBatch, aBatch: aBatch, bBatch: bBatch)
        var output = [Float](repeating: .nan, count: dims.batchCount * dims.m * dims.n)
        BatchedMatMulKernel.run(a: a.floats, b: b.floats, output: &output, dims: dims)
        #expect(output.count == expected.count)
        #expect(maxAbsoluteDifference(output, expected.floats) <= fidelityTolerance)
    }

    @Test("broadcasts the left operand over the right one's batch")
    func broadcastsLeftOperand() {
        // a [1, 2, 2] shared by b [3, 2, 1].
        let a: [Float] = [1, 2, 3, 4]
        let b: [Float] = [1, 0, 0, 1, 1, 1]
        var output = [Float](repeating: 0, count: 6)
        BatchedMatMulKernel.run(
            a: a, b: b, output: &output,
            dims: .init(m: 2, k: 2, n: 1, outputBatch: [3], aBatch: [1], bBatch: [3]))
        #expect(output == [1, 3, 2, 4, 3, 7])
    }
}
