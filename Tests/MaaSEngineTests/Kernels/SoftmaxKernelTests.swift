import Testing
@testable import MaaSEngine

@Suite("Softmax kernels")
struct SoftmaxKernelTests {
    @Test("match onnxruntime", arguments: KernelFixtures.opCases("Softmax") + KernelFixtures.opCases("LogSoftmax"))
    func matchesOnnxRuntime(caseName: String) throws {
        let fixture = KernelFixtures.case(caseName)
        let x = try #require(fixture.nodeInput(0))
        let expected = try #require(fixture.expected(fixture.op!.outputs[0]))
        let rank = x.shape.count
        let rawAxis = fixture.int("axis", default: fixture.opset >= 13 ? -1 : 1)
        let axis = rawAxis < 0 ? rawAxis + rank : rawAxis
        // Opsets before 13 normalise over everything from `axis` on.
        let dims = fixture.opset >= 13
            ? SoftmaxKernel.Dims(shape: x.shape, axis: axis)
            : SoftmaxKernel.Dims(outer: x.shape[..<axis].reduce(1, *), axisLength: x.shape[axis...].reduce(1, *), inner: 1)
        var output = [Float](repeating: .nan, count: x.count)
        if fixture.op?.type == "Softmax" {
            SoftmaxKernel.softmax(input: x.floats, output: &output, dims: dims)
        } else {
            SoftmaxKernel.logSoftmax(input: x.floats, output: &output, dims: dims)
        }
        #expect(maxAbsoluteDifference(output, expected.floats) <= fidelityTolerance)
    }

    @Test("stays finite for logits far beyond exp's range")
    func hugeLogits() {
        var output = [Float](repeating: .nan, count: 3)
        SoftmaxKernel.softmax(input: [1000, 1000, -1000], output: &output, dims: .init(outer: 1, axisLength: 3, inner: 1))
        #expect(output == [0.5, 0.5, 0])
        SoftmaxKernel.logSoftmax(input: [1000, 1000, 0], output: &output, dims: .init(outer: 1, axisLength: 3, inner: 1))
        #expect(abs(output[0] + 0.693_147_2) < 1e-6 && output[2] < -990)
    }
}
