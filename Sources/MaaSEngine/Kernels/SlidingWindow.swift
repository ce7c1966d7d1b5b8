/// Geometry of a 1-D or 2-D sliding window (Conv, MaxPool, AveragePool), always held as 2-D:
/// a 1-D window is a 2-D one of height 1, so the kernels have one code path.
package struct SlidingWindow: Sendable, Hashable {
    package var inputHeight: Int, inputWidth: Int
    package var kernelHeight: Int, kernelWidth: Int
    package var outputHeight: Int, outputWidth: Int
    package var padTop: Int, padLeft: Int
    package var padBottom: Int, padRight: Int
    package var strideHeight: Int, strideWidth: Int
    package var dilationHeight: Int, dilationWidth: Int

    /// All arrays hold one entry per spatial axis (1 or 2 of them), in ONNX order;
    /// `padsBegin`/`padsEnd` are the two halves of ONNX `pads`. Output sizes come from shape inference.
    package init(input: [Int], kernel: [Int], output: [Int], padsBegin: [Int], padsEnd: [Int],
                 strides: [Int], dilations: [Int]) {
        precondition(input.count == 1 || input.count == 2, "only 1-D and 2-D windows")
        precondition([kernel, output, padsBegin, padsEnd, strides, dilations].allSatisfy { $0.count == input.count },
                     "window attributes must have one entry per spatial axis")
        func split(_ values: [Int], _ fill: Int) -> (Int, Int) {
            values.count == 1 ? (fill, values[0]) : (values[0], values[1])
        }
        (inputHeight, inputWidth) = split(input, 1)
        (kernelHeight, kernelWidth) = split(kernel, 1)
        (outputHeight, outputWidth) = split(output, 1)
        (padTop, padLeft) = split(padsBegin, 0)
        (padBottom, padRight) = split(padsEnd, 0)
        (strideHeight, strideWidth) = split(strides, 1)
        (dilationHeight, dilationWidth) = split(dilations, 1)
    }

    package var inputSize: Int { inputHeight * inputWidth }
    package var kernelSize: Int { kernelHeight * kernelWidth }
    package var outputSize: Int { outputHeight * outputWidth }

    /// A 1×1 window with unit stride and no padding reads the input as it is.
    var isPointwise: Bool {
        kernelSize == 1 && strideHeight == 1 && strideWidth == 1 && padTop == 0 && padLeft == 0
            && outputHeight == inputHeight && outputWidth == inputWidth
    }

    /// ONNX output length of one axis: ⌊ or ⌈ (in + padBegin + padEnd − dilation·(kernel−1) − 1)/stride ⌉ + 1.
    /// With ceil mode a last window that would start inside the end padding is dropped, as ONNX Runtime does.
    package static func outputLength(input: Int, kernel: Int, padBegin: Int, padEnd: Int, stride: Int,
                                     dilation: Int, ceilMode: Bool = false) -> Int {
        let span = input + padBegin + padEnd - dilation * (kernel - 1) - 1
        guard span >= 0, stride > 0 else { return 0 }
        var length = (ceilMode ? (span + stride - 1) / stride : span / stride) + 1
        if ceilMode && (length - 1) * stride >= input + padBegin { length -= 1 }
        return length
    }
}
