import Testing
@testable import MaaSEngine

@Suite("Gemm kernel")
struct GemmKernelTests {
    @Test("matches onnxruntime", arguments: KernelFixtures.opCases("Gemm"))
    func matchesOnnxRuntime(caseName: String) throws {
        let fixture = KernelFixtures.case(caseName)
        let a = try #require(fixture.nodeInput(0))
        let b = try #require(fixture.nodeInput(1))
        let c = fixture.nodeInput(2)
        let expected = try #require(fixture.expected(fixture.op!.outputs[0]))
        let transposeA = fixture.int("transA", default: 0) == 1, transposeB = fixture.int("transB", default: 0) == 1
        let m = transposeA ? a.shape[1] : a.shape[0], k = transposeA ? a.shape[0] : a.shape[1]
        let n = transposeB ? b.shape[0] : b.shape[1]
        let dims = GemmKernel.Dims(
            m: m, n: n, k: k, transposeA: transposeA, transposeB: transposeB,
            alpha: fixture.float("alpha") ?? 1, beta: fixture.float("beta") ?? 1,
            bias: c.map { biasLayout($0.shape, m: m, n: n) } ?? .none)
        var output = [Float](repeating: .nan, count: m * n)
        withOptionalPointers(c?.floats, [Float]?.none, [Float]?.none) { c, _, _ in
            GemmKernel.run(a: a.floats, b: b.floats, c: c, output: &output, dims: dims)
        }
        #expect(expected.shape == [m, n])
        #expect(maxAbsoluteDifference(output, expected.floats) <= fidelityTolerance)
    }

    /// How an executor maps C's shape onto the broadcast the kernel implements.
    private func biasLayout(_ shape: [Int], m: Int, n: Int) -> GemmKernel.Bias {
        let count = shape.reduce(1, *)
        if count == 1 { return .scalar }
        if shape.last == n && count == n { return .row }
        if shape == [m, 1] { return .column }
        return .full
    }
}
