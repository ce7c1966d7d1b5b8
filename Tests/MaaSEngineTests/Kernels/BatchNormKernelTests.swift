import Testing
@testable import MaaSEngine

@Suite("BatchNormalization kernel")
struct BatchNormKernelTests {
    @Test("matches onnxruntime", arguments: KernelFixtures.opCases("BatchNormalization"))
    func matchesOnnxRuntime(caseName: String) throws {
        let fixture = KernelFixtures.case(caseName)
        let x = try #require(fixture.nodeInput(0))
        let parameters = try (1...4).map { try #require(fixture.nodeInput($0)).floats }
        let expected = try #require(fixture.expected(fixture.op!.outputs[0]))
        let channels = x.shape[1]
        let packed = BatchNormKernel.pack(
            scale: parameters[0], bias: parameters[1], mean: parameters[2], variance: parameters[3],
            epsilon: fixture.float("epsilon") ?? 1e-5, channels: channels)
        var output = [Float](repeating: .nan, count: x.count)
        BatchNormKernel.run(
            input: x.floats, packed: packed, output: &output,
            dims: .init(batchSize: x.shape[0], channels: channels, spatialSize: x.count / (x.shape[0] * channels)))
        #expect(maxAbsoluteDifference(output, expected.floats) <= fidelityTolerance)
    }
}
