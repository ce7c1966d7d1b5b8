/// ONNX Conv, 1-D and 2-D, with pads, strides, dilations and groups, as im2col + one GEMM per
/// (image, group). Pointwise convolutions skip im2col and multiply the input directly.
package enum ConvKernel {
    package struct Dims: Sendable, Hashable {
        package var batchSize: Int
        package var inputChannels: Int
        package var outputChannels: Int
        package var group: Int
        package var window: SlidingWindow
        package var activation: FusedActivation

        package init(batchSize: Int, inputChannels: Int, outputChannels: Int, group: Int = 1,
                     window: SlidingWindow, activation: FusedActivation = .none) {
            precondition(group > 0 && inputChannels % group == 0 && outputChannels % group == 0,
                         "channels must divide into groups")
            self.batchSize = batchSize
            self.inputChannels = inputChannels
            self.outputChannels = outputChannels
            self.group = group
            self.window = window
            self.activation = activation
        }

        var inputChannelsPerGroup: Int { inputChannels / group }
        var outputChannelsPerGroup: Int { outputChannels / group }
        /// Rows of the unfolded input: one per (input channel of a group, kernel tap).
        var patchSize: Int { inputChannelsPerGroup * window.kernelSize }
    }

    /// Floats of scratch for the unfolded input of one (image, group); 0 for pointwise.
    package static func scratchCount(for dims: Dims) -> Int {
        dims.window.isPointwise ? 0 : dims.patchSize * dims.window.outputSize
    }

    /// `input` [N, C, (H,) W], `weight` [M, C/group, (kH,) kW] as ONNX stores it, `bias` [M] or nil;
    /// writes `output` [N, M, (oH,) oW].
    package static func run(
        input: UnsafePointer<Float>, weight: UnsafePointer<Float>, bias: UnsafePointer<Float>?,
        output: UnsafeMutablePointer<Float>, scratch: UnsafeMutablePointer<Float>?, dims: Dims
    ) {
        let window = dims.window
        let inPerGroup = dims.inputChannelsPerGroup, outPerGroup = dims.outputChannelsPerGroup
        let patch = dims.patchSize, outSize = window.outputSize
        guard outSize > 0, dims.outputChannels > 0 else { return }
        for image in 0..<dims.batchSize {
            for g in 0..<dims.group {
                let source = input + (image * dims.inputChannels + g * inPerGroup) * window.inputSize
                let destination = output + (image * dims.outputChannels + g * outPerGroup) * outSize
                let columns: UnsafePointer<Float>
                if window.isPointwise {
                    columns = source
                } else {
                    guard let scratch else { preconditionFailure("Conv needs scratchCount(for:) floats of scratch") }
                    unfold(source, channels: inPerGroup, window: window, into: scratch)
                    columns = UnsafePointer(scratch)
                }
                if let bias {
                    for channel in 0..<outPerGroup {
                        (destination + channel * outSize).update(repeating: bias[g * outPerGroup + channel], count: outSize)
                    }
                }
                MatrixProduct.multiply(
                    a: weight + g * outPerGroup * patch, b: columns, c: destination,
                    dims: .init(m: outPerGroup, n: outSize, k: patch), alpha: 1, beta: bias == nil ? 0 : 1)
            }
        }
        dims.activation.apply(output, count: dims.batchSize * dims.outputChannels * outSize)
    }

    /// The positions `p` in 0..<count with `p·stride + offset` in 0..<length (stride > 0).
    static func insideRange(offset: Int, stride: Int, length: Int, count: Int) -> Range<Int> {
        // Smallest p with p·stride + offset ≥ 0, and the first p with p·stride + offset ≥ length.
        let low = offset >= 0 ? 0 : (-offset + stride - 1) / stride
        let high = length - offset <= 0 ? 0 : (length - offset + stride - 1) / stride
        let lower = min(low, count), upper = min(max(high, lower), count)
        return lower..<upper
    }

    /// im2col: row (channel, ky, kx) of `columns` holds that tap's input value at every output position,
    /// zero where the tap falls in padding.
    static func unfold(
        _ source: UnsafePointer<Float>, channels: Int, window w: SlidingWindow, into columns: UnsafeMutablePointer<Float>
    ) {
        let outSize = w.outputSize
        var row = 0
        for channel in 0..<channels {
            let plane = source + channel * w.inputSize
            for ky in 0..<w.kernelHeight {
                for kx in 0..<w.kernelWidth {
                    let destination = columns + row * outSize
                    row += 1
                    for oy in 0..<w.outputHeight {
                        let line = destination + oy * w.outputWidth
                        let iy = oy * w.strideHeight - w.padTop + ky * w.dilationHeight
                        guard iy >= 0 && iy < w.inputHeight else {
                            line.update(repeating: 0, count: w.outputWidth)
                            continue
                        }
                        let inputLine = plane + iy * w.inputWidth
                        let offset = kx * w.dilationWidth - w.padLeft
                        // Output positions whose tap lands inside the row: ix = ox·stride + offset ∈ [0, width).
                        // Padding on either side is zeros; the inside is a copy (stride 1) or a strided gather,
                        // without a bounds test per element.
                        let inside = Self.insideRange(offset: offset, stride: w.strideWidth, length: w.inputWidth,
                                                      count: w.outputWidth)
                        line.update(repeating: 0, count: inside.lowerBound)
                        if w.strideWidth == 1 {
                            (line + inside.lowerBound).update(from: inputLine + inside.lowerBound + offset,
                                                              count: inside.count)
                        } else {
                            for ox in inside { line[ox] = inputLine[ox * w.strideWidth + offset] }
                        }
                        (line + inside.upperBound).update(repeating: 0, count: w.outputWidth - inside.upperBound)
                    }
                }
            }
        }
    }
}
