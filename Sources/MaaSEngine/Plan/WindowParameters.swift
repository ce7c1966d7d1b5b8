/// Window attributes of Conv and the pools, one entry per spatial axis (1 or 2).
package struct WindowParameters: Sendable, Hashable {
    /// ONNX `auto_pad` when the pads could not be computed at compile time (a dynamic spatial axis).
    package enum AutoPad: Int, Sendable, Hashable {
        /// `padsBegin`/`padsEnd` hold the pads.
        case explicit = 0
        /// Pads computed per run so the output is ⌈input/stride⌉; extra padding at the end (upper) or start.
        case sameUpper = 1
        case sameLower = 2
    }

    package var kernel: [Int]
    package var padsBegin: [Int]
    package var padsEnd: [Int]
    package var strides: [Int]
    package var dilations: [Int]
    package var autoPad: AutoPad

    package init(
        kernel: [Int], padsBegin: [Int], padsEnd: [Int], strides: [Int], dilations: [Int], autoPad: AutoPad = .explicit
    ) {
        self.kernel = kernel
        self.padsBegin = padsBegin
        self.padsEnd = padsEnd
        self.strides = strides
        self.dilations = dilations
        self.autoPad = autoPad
    }

    package var spatialRank: Int { kernel.count }

    /// ONNX SAME_UPPER / SAME_LOWER pads of one axis: (begin, end).
    package static func samePads(input: Int, kernel: Int, stride: Int, dilation: Int, upper: Bool) -> (Int, Int) {
        let output = (input + stride - 1) / stride
        let total = max(0, (output - 1) * stride + (kernel - 1) * dilation + 1 - input)
        let small = total / 2
        return upper ? (small, total - small) : (total - small, small)
    }

    /// The pads to use for an input with these spatial sizes.
    package func pads(forInput sizes: [Int]) -> (begin: [Int], end: [Int]) {
        guard autoPad != .explicit else { return (padsBegin, padsEnd) }
        var begin: [Int] = [], end: [Int] = []
        for axis in kernel.indices {
            let (b, e) = Self.samePads(
                input: sizes[axis], kernel: kernel[axis], stride: strides[axis], dilation: dilations[axis],
                upper: autoPad == .sameUpper)
            begin.append(b)
            end.append(e)
        }
        return (begin, end)
    }
}
