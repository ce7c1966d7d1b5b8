/// ONNX MaxPool, AveragePool and GlobalAveragePool over 1-D and 2-D inputs [N, C, (H,) W].
package enum PoolKernel {
    package struct Dims: Sendable, Hashable {
        /// N·C: pooling treats every (image, channel) plane alike.
        package var planes: Int
        package var window: SlidingWindow

        package init(batchSize: Int, channels: Int, window: SlidingWindow) {
            self.planes = batchSize * channels
            self.window = window
        }
    }

    /// Padding never wins: only in-bounds elements are compared (a window with none gives −∞).
    package static func maxPool(input: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>, dims: Dims) {
        let w = dims.window
        // Windows whose every column is in bounds; only the few at the edges need their taps worked out
        // (with divisions, too slow to repeat for every output).
        let interior = interiorPositions(w)
        let allColumns = 0..<w.kernelWidth
        for plane in 0..<dims.planes {
            let source = input + plane * w.inputSize
            let destination = output + plane * w.outputSize
            for oy in 0..<w.outputHeight {
                let top = oy * w.strideHeight - w.padTop
                let rows = ConvKernel.insideRange(offset: top, stride: w.dilationHeight, length: w.inputHeight,
                                                  count: w.kernelHeight)
                for ox in 0..<w.outputWidth {
                    let left = ox * w.strideWidth - w.padLeft
                    let columns = interior.contains(ox) ? allColumns
                        : ConvKernel.insideRange(offset: left, stride: w.dilationWidth, length: w.inputWidth,
                                                 count: w.kernelWidth)
                    var best = -Float.infinity
                    for ky in rows {
                        let start = (top + ky * w.dilationHeight) * w.inputWidth + left
                        for kx in columns { best = max(best, source[start + kx * w.dilationWidth]) }
                    }
                    destination[oy * w.outputWidth + ox] = best
                }
            }
        }
    }

    /// Output columns ox whose taps ox·stride − padLeft + kx·dilation all lie in 0..<inputWidth.
    static func interiorPositions(_ w: SlidingWindow) -> Range<Int> {
        // First tap ≥ 0, and last tap ≤ inputWidth − 1, i.e. the first tap < inputWidth − span.
        let span = (w.kernelWidth - 1) * w.dilationWidth
        return ConvKernel.insideRange(offset: -w.padLeft, stride: w.strideWidth, length: w.inputWidth - span,
                                      count: w.outputWidth)
    }

    /// With `countIncludePad` the divisor counts taps inside the padded extent (but not those that
    /// ceil_mode pushes past it), as ONNX Runtime does; without it, only in-bounds taps.
    package static func averagePool(
        input: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>, dims: Dims, countIncludePad: Bool
    ) {
        let w = dims.window
        for plane in 0..<dims.planes {
            let source = input + plane * w.inputSize
            let destination = output + plane * w.outputSize
            for oy in 0..<w.outputHeight {
                for ox in 0..<w.outputWidth {
                    var sum: Float = 0
                    var inside = 0, padded = 0
                    forEachTap(w, oy: oy, ox: ox) { iy, ix in
                        if let iy, let ix {
                            sum += source[iy * w.inputWidth + ix]
                            inside += 1
                        }
                        padded += 1
                    }
                    let divisor = countIncludePad ? padded : inside
                    destination[oy * w.outputWidth + ox] = divisor > 0 ? sum / Float(divisor) : 0
                }
            }
        }
    }

    /// `input` [planes, spatialSize] → `output` [planes]: the mean of each plane.
    package static func globalAveragePool(
        input: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>, planes: Int, spatialSize: Int
    ) {
        for plane in 0..<planes {
            let source = input + plane * spatialSize
            var sum: Float = 0
            for i in 0..<spatialSize { sum += source[i] }
            output[plane] = spatialSize > 0 ? sum / Float(spatialSize) : 0
        }
    }

    /// Calls `body` for every tap of the window at (oy, ox) that lies within the padded extent,
    /// with nil coordinates for taps that fall in padding.
    @inline(__always)
    private static func forEachTap(
        _ w: SlidingWindow, oy: Int, ox: Int, _ body: (_ iy: Int?, _ ix: Int?) -> Void
    ) {
        for ky in 0..<w.kernelHeight {
            let iy = oy * w.strideHeight - w.padTop + ky * w.dilationHeight
            guard iy < w.inputHeight + w.padBottom else { continue }
            let rowInside = iy >= 0 && iy < w.inputHeight
            for kx in 0..<w.kernelWidth {
                let ix = ox * w.strideWidth - w.padLeft + kx * w.dilationWidth
                guard ix < w.inputWidth + w.padRight else { continue }
                let inside = rowInside && ix >= 0 && ix < w.inputWidth
                body(inside ? iy : nil, inside ? ix : nil)
            }
        }
    }
}
