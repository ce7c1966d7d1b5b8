import Testing
@testable import MaaSEngine

@Suite("Dense kernel")
struct DenseKernelTests {
    /// The fused MatMul+Add(+Relu) cases; each has two runs, the second with a single row (sgemv).
    @Test("matches onnxruntime's MatMul+Add", arguments: ["dense_matmul_add", "dense_relu"], [0, 1])
    func matchesOnnxRuntime(caseName: String, run: Int) throws {
        let fixture = KernelFixtures.case(caseName)
        let x = try #require(fixture.tensor(fixture.inputs[0], run: run))
        let weight = try #require(fixture.tensor("W"))
        let bias = try #require(fixture.tensor("bias"))
        let expected = try #require(fixture.expected(fixture.outputs[0], run: run))
        let dims = DenseKernel.Dims(
            rows: x.count / weight.shape[0], inputFeatures: weight.shape[0], outputFeatures: weight.shape[1],
            activation: fixture.op?.type == "Relu" ? .relu : .none)
        var output = [Float](repeating: .nan, count: dims.rows * dims.outputFeatures)
        DenseKernel.run(input: x.floats, weight: weight.floats, bias: bias.floats, output: &output, dims: dims)
        #expect(maxAbsoluteDifference(output, expected.floats) <= fidelityTolerance)
    }

    @Test("without a bias it is a plain product")
    func withoutBias() {
        var output = [Float](repeating: .nan, count: 2)
        DenseKernel.run(
            input: [1, 2, 3, 4], weight: [1, -1], bias: nil, output: &output,
            dims: .init(rows: 2, inputFeatures: 2, outputFeatures: 1, activation: .relu))
        #expect(output == [0, 0])
        DenseKernel.run(
            input: [3, 1, 1, 4], weight: [1, -1], bias: nil, output: &output,
            dims: .init(rows: 2, inputFeatures: 2, outputFeatures: 1))
        #expect(output == [2, -3])
    }
}
