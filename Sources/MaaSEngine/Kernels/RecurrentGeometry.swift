/// Where each (time, direction, batch row) lives in the ONNX inputs and outputs of LSTM and GRU,
/// for both layouts, and which step of a row is active under sequence_lens.
struct RecurrentGeometry {
    let steps: Int
    let batch: Int
    let hidden: Int
    let directions: Int
    let layout: RecurrentLayout
    let sequenceLengths: UnsafePointer<Int32>?

    /// Valid steps of `row`, clamped to [0, steps].
    @inline(__always)
    func length(ofRow row: Int) -> Int {
        guard let sequenceLengths else { return steps }
        return min(max(Int(sequenceLengths[row]), 0), steps)
    }

    /// All rows have the same length (always true without sequence_lens).
    var lengthsAreUniform: Bool {
        guard sequenceLengths != nil, batch > 1 else { return true }
        let first = length(ofRow: 0)
        for row in 1..<batch where length(ofRow: row) != first { return false }
        return true
    }

    /// Every row runs all `steps` steps (always true without sequence_lens).
    var allRowsFullLength: Bool {
        guard sequenceLengths != nil else { return true }
        for row in 0..<batch where length(ofRow: row) != steps { return false }
        return true
    }

    /// The time index a row processes at `step`, or nil once its sequence has ended.
    /// A reverse pass starts at the row's own last valid step, not at `steps − 1`.
    @inline(__always)
    func time(ofStep step: Int, row: Int, reverse: Bool) -> Int? {
        let length = length(ofRow: row)
        guard step < length else { return nil }
        return reverse ? length - 1 - step : step
    }

    /// Row of X (and of the projection) holding (time, row).
    @inline(__always)
    func inputRow(time: Int, row: Int) -> Int {
        layout == .timeMajor ? time * batch + row : row * steps + time
    }

    /// Offset of Y[time, direction, row, :] (layout 0) or Y[row, time, direction, :] (layout 1).
    @inline(__always)
    func outputOffset(time: Int, direction: Int, row: Int) -> Int {
        switch layout {
        case .timeMajor: ((time * directions + direction) * batch + row) * hidden
        case .batchMajor: ((row * steps + time) * directions + direction) * hidden
        }
    }

    /// Offset of a state tensor ([D, B, H] for layout 0, [B, D, H] for layout 1).
    @inline(__always)
    func stateOffset(direction: Int, row: Int) -> Int {
        switch layout {
        case .timeMajor: (direction * batch + row) * hidden
        case .batchMajor: (row * directions + direction) * hidden
        }
    }

    func storeOutput(_ h: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>, time: Int, direction: Int, row: Int) {
        (y + outputOffset(time: time, direction: direction, row: row)).update(from: h, count: hidden)
    }

    func storeOutput(_ h: UnsafeMutablePointer<Float>, into y: UnsafeMutablePointer<Float>, time: Int, direction: Int, row: Int) {
        storeOutput(UnsafePointer(h), into: y, time: time, direction: direction, row: row)
    }

    /// ONNX defines Y as zero past a sequence's length.
    func clearOutput(_ y: UnsafeMutablePointer<Float>, time: Int, direction: Int, row: Int) {
        (y + outputOffset(time: time, direction: direction, row: row)).update(repeating: 0, count: hidden)
    }

    /// Copies one direction's initial state for `rows` (default all) into `buffer` ([B, H] contiguous in
    /// scratch), or zeros when absent.
    func loadState(_ state: UnsafePointer<Float>?, into buffer: UnsafeMutablePointer<Float>, direction: Int,
                   rows: Range<Int>? = nil) {
        let rows = rows ?? 0..<batch
        guard let state else {
            (buffer + rows.lowerBound * hidden).update(repeating: 0, count: rows.count * hidden)
            return
        }
        for row in rows {
            (buffer + row * hidden).update(from: state + stateOffset(direction: direction, row: row), count: hidden)
        }
    }

    func storeState(_ buffer: UnsafeMutablePointer<Float>, into state: UnsafeMutablePointer<Float>, direction: Int,
                    rows: Range<Int>? = nil) {
        for row in rows ?? 0..<batch {
            (state + stateOffset(direction: direction, row: row)).update(from: buffer + row * hidden, count: hidden)
        }
    }
}
