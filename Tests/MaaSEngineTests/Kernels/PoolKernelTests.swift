import Testing
@testable import MaaSEngine

@Suite("Pool kernels")
struct PoolKernelTests {
    @Test("MaxPool and AveragePool match onnxruntime",
          arguments: KernelFixtures.opCases("MaxPool") + KernelFixtures.opCases("AveragePool"))
    func windowedPoolsMatchOnnxRuntime(caseName: String) throws {
        let fixture = KernelFixtures.case(caseName)
        let x = try #require(fixture.nodeInput(0))
        let expected = try #require(fixture.expected(fixture.op!.outputs[0]))
        let kernel = try #require(fixture.ints("kernel_shape"))
        let window = try #require(slidingWindow(fixture, input: Array(x.shape.dropFirst(2)), kernel: kernel))
        #expect(expected.shape == Array(x.shape.prefix(2)) + outputShape(window, rank: kernel.count))
        let dims = PoolKernel.Dims(batchSize: x.shape[0], channels: x.shape[1], window: window)
        var output = [Float](repeating: .nan, count: expected.count)
        if fixture.op?.type == "MaxPool" {
            PoolKernel.maxPool(input: x.floats, output: &output, dims: dims)
        } else {
            PoolKernel.averagePool(input: x.floats, output: &output, dims: dims,
                                   countIncludePad: fixture.int("count_include_pad", default: 0) == 1)
        }
        #expect(maxAbsoluteDifference(output, expected.floats) <= fidelityTolerance)
    }

    @Test("GlobalAveragePool matches onnxruntime", arguments: KernelFixtures.opCases("GlobalAveragePool"))
    func globalAverageMatchesOnnxRuntime(caseName: String) throws {
        let fixture = KernelFixtures.case(caseName)
        let x = try #require(fixture.nodeInput(0))
        let expected = try #require(fixture.expected(fixture.op!.outputs[0]))
        let planes = x.shape[0] * x.shape[1]
        var output = [Float](repeating: .nan, count: planes)
        PoolKernel.globalAveragePool(input: x.floats, output: &output, planes: planes, spatialSize: x.count / planes)
        #expect(expected.shape == Array(x.shape.prefix(2)) + [Int](repeating: 1, count: x.shape.count - 2))
        #expect(maxAbsoluteDifference(output, expected.floats) <= fidelityTolerance)
    }

    @Test("ceil mode drops a window that would start in the end padding")
    func ceilModeDropsPaddingOnlyWindow() {
        // 4 + 1 pad each side, kernel 2, stride 2: floor → 3; ceil would give 4 but that window starts past the data.
        #expect(SlidingWindow.outputLength(input: 4, kernel: 2, padBegin: 1, padEnd: 1, stride: 2, dilation: 1) == 3)
        #expect(SlidingWindow.outputLength(input: 4, kernel: 2, padBegin: 1, padEnd: 1, stride: 2, dilation: 1, ceilMode: true) == 3)
        #expect(SlidingWindow.outputLength(input: 7, kernel: 2, padBegin: 0, padEnd: 0, stride: 2, dilation: 1, ceilMode: true) == 4)
        #expect(SlidingWindow.outputLength(input: 2, kernel: 5, padBegin: 0, padEnd: 0, stride: 1, dilation: 1) == 0)
    }

    @Test("interior windows are exactly those whose every tap is in bounds",
          arguments: [(2, 2, 0, 0, 1), (3, 1, 1, 1, 1), (3, 2, 1, 2, 2), (5, 1, 0, 0, 1), (2, 3, 4, 4, 1), (12, 1, 0, 0, 1)])
    func interiorPositions(kernel: Int, stride: Int, padBegin: Int, padEnd: Int, dilation: Int) {
        let width = 11
        let output = SlidingWindow.outputLength(input: width, kernel: kernel, padBegin: padBegin, padEnd: padEnd,
                                                stride: stride, dilation: dilation)
        let window = SlidingWindow(input: [width], kernel: [kernel], output: [output], padsBegin: [padBegin],
                                   padsEnd: [padEnd], strides: [stride], dilations: [dilation])
        let expected = (0..<output).filter { ox in
            (0..<kernel).allSatisfy { (0..<width).contains(ox * stride - padBegin + $0 * dilation) }
        }
        #expect(Array(PoolKernel.interiorPositions(window)) == expected)
    }
}
