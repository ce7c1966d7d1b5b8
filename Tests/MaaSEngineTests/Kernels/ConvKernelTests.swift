import Testing
@testable import MaaSEngine

@Suite("Conv kernel")
struct ConvKernelTests {
    @Test("matches onnxruntime", arguments: KernelFixtures.opCases("Conv"))
    func matchesOnnxRuntime(caseName: String) throws {
        let fixture = KernelFixtures.case(caseName)
        let x = try #require(fixture.nodeInput(0))
        let w = try #require(fixture.nodeInput(1))
        let bias = fixture.nodeInput(2)
        let expected = try #require(fixture.expected(fixture.op!.outputs[0]))
        let window = try #require(slidingWindow(fixture, input: Array(x.shape.dropFirst(2)), kernel: Array(w.shape.dropFirst(2))))
        let dims = ConvKernel.Dims(
            batchSize: x.shape[0], inputChannels: x.shape[1], outputChannels: w.shape[0],
            group: fixture.int("group", default: 1), window: window)
        #expect(expected.shape == [x.shape[0], w.shape[0]] + outputShape(window, rank: x.shape.count - 2))
        var output = [Float](repeating: .nan, count: expected.count)
        var scratch = [Float](repeating: .nan, count: ConvKernel.scratchCount(for: dims))
        withOptionalPointers(bias?.floats, [Float]?.none, [Float]?.none) { bias, _, _ in
            scratch.withUnsafeMutableBufferPointer { scratch in
                ConvKernel.run(input: x.floats, weight: w.floats, bias: bias, output: &output,
                               scratch: scratch.baseAddress, dims: dims)
            }
        }
        #expect(maxAbsoluteDifference(output, expected.floats) <= fidelityTolerance)
    }

    @Test("fuses a ReLU into the output")
    func fusedRelu() {
        var output = [Float](repeating: .nan, count: 3)
        let window = SlidingWindow(input: [3], kernel: [1], output: [3], padsBegin: [0], padsEnd: [0],
                                   strides: [1], dilations: [1])
        ConvKernel.run(input: [1, -2, 3], weight: [2], bias: [-1], output: &output, scratch: nil,
                       dims: .init(batchSize: 1, inputChannels: 1, outputChannels: 1, window: window, activation: .relu))
        #expect(output == [1, 0, 5])
    }

    @Test("the in-bounds positions of a strided window match a position-by-position test",
          arguments: [(-3, 1), (-3, 2), (0, 3), (2, 1), (5, 2), (9, 1), (12, 4), (-20, 3)])
    func insideRange(offset: Int, stride: Int) {
        for count in [0, 1, 4, 9] {
            let expected = (0..<count).filter { (0..<10).contains($0 * stride + offset) }
            #expect(Array(ConvKernel.insideRange(offset: offset, stride: stride, length: 10, count: count)) == expected,
                    "offset \(offset) stride \(stride) count \(count)")
        }
    }
}

/// The window an executor builds from Conv/Pool attributes, resolving auto_pad the ONNX way.
func slidingWindow(_ fixture: KernelFixtures.Case, input: [Int], kernel: [Int]) -> SlidingWindow? {
    let rank = input.count
    let strides = fixture.ints("strides") ?? [Int](repeating: 1, count: rank)
    let dilations = fixture.ints("dilations") ?? [Int](repeating: 1, count: rank)
    let ceilMode = fixture.int("ceil_mode", default: 0) == 1
    var pads = fixture.ints("pads") ?? [Int](repeating: 0, count: 2 * rank)
    let autoPad = fixture.string("auto_pad", default: "NOTSET")
    if autoPad == "SAME_UPPER" || autoPad == "SAME_LOWER" {
        for axis in 0..<rank {
            let output = (input[axis] + strides[axis] - 1) / strides[axis]
            let total = max(0, (output - 1) * strides[axis] + (kernel[axis] - 1) * dilations[axis] + 1 - input[axis])
            let small = total / 2
            pads[axis] = autoPad == "SAME_UPPER" ? small : total - small
            pads[rank + axis] = total - pads[axis]
        }
    } else if autoPad != "NOTSET" && autoPad != "VALID" {
        return nil
    }
    let output = (0..<rank).map { axis in
        SlidingWindow.outputLength(
            input: input[axis], kernel: kernel[axis], padBegin: pads[axis], padEnd: pads[rank + axis],
            stride: strides[axis], dilation: dilations[axis], ceilMode: ceilMode)
    }
    return SlidingWindow(input: input, kernel: kernel, output: output, padsBegin: Array(pads[..<rank]),
                         padsEnd: Array(pads[rank...]), strides: strides, dilations: dilations)
}

func outputShape(_ window: SlidingWindow, rank: Int) -> [Int] {
    rank == 1 ? [window.outputWidth] : [window.outputHeight, window.outputWidth]
}
