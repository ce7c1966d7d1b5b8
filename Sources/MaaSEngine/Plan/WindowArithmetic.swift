/// Sliding-window output length as ONNX Runtime computes it (floor or ceil mode; with ceil mode a last window
/// starting inside the end padding is dropped), with overflow-checked arithmetic for hostile plans.
package enum WindowArithmetic {
    package static func length(
        input: Int, kernel: Int, padBegin: Int, padEnd: Int, stride: Int, dilation: Int, ceil: Bool
    ) throws(EngineError) -> Int {
        let limit = 1 << 40
        guard input >= 0, input < limit, kernel >= 1, kernel < limit, padBegin >= 0, padBegin < limit, padEnd >= 0,
            padEnd < limit, stride >= 1, stride < limit, dilation >= 1, dilation < limit
        else { throw EngineError.invalidInput("window arithmetic out of range") }
        let (reach, overflow) = dilation.multipliedReportingOverflow(by: kernel - 1)
        guard !overflow else { throw EngineError.invalidInput("window arithmetic out of range") }
        let span = input + padBegin + padEnd - reach - 1
        guard span >= 0 else { return 0 }
        var length = (ceil ? (span + stride - 1) / stride : span / stride) + 1
        if ceil && (length - 1) * stride >= input + padBegin { length -= 1 }
        return length
    }
}
