/// A reference to one instruction of a `DimProgram`, i.e. one integer known at run time (a dimension, or a value
/// that came out of the Shape→Gather→Concat plumbing). Constants are instructions too.
package struct DimRef: Hashable, Sendable, Comparable {
    package var index: Int

    package init(_ index: Int) {
        self.index = index
    }

    package static func < (lhs: DimRef, rhs: DimRef) -> Bool { lhs.index < rhs.index }
}

/// One step of a `DimProgram`. Operands are indices of earlier instructions; `site` indexes `DimProgram.sites`,
/// the text errors use to say which node and what was checked.
package enum DimInstruction: Hashable, Sendable {
    case constant(Int)
    /// A dimension of graph input `input`.
    case input(input: Int, axis: Int)
    /// Element `index` of int64 graph input `input` (a shape or slice bound fed in as data).
    case inputValue(input: Int, index: Int)
    case add(Int, Int)
    case sub(Int, Int)
    case mul(Int, Int)
    /// Integer division truncating toward zero (ONNX Div on integers); a zero divisor is an error.
    case div(Int, Int, site: Int)
    /// Floor division, used for convolution and pooling output sizes.
    case floorDiv(Int, Int, site: Int)
    case ceilDiv(Int, Int, site: Int)
    /// Division that must leave no remainder (Reshape's -1).
    case exactDiv(Int, Int, site: Int)
    case min(Int, Int)
    case max(Int, Int)
    /// ONNX broadcasting of two dimensions: equal, or one of them 1.
    case broadcast(Int, Int, site: Int)
    /// Asserts two dimensions are equal; the value is the first.
    case equal(Int, Int, site: Int)
    /// Asserts a value is at least `bound`; the value is unchanged.
    case atLeast(Int, bound: Int, site: Int)
    /// ONNX Slice: the effective first index of an axis of length `dim` (`step` is a literal).
    case sliceStart(dim: Int, start: Int, step: Int)
    /// ONNX Slice: how many elements an axis keeps.
    case sliceCount(dim: Int, start: Int, end: Int, step: Int)
    /// Output length of a sliding window (Conv, pools) over an axis of length `input`; the rest are literals.
    case windowLength(input: Int, kernel: Int, padBegin: Int, padEnd: Int, stride: Int, dilation: Int, ceil: Bool)

    /// Operand indices, for validation that they point backwards.
    package var operands: [Int] {
        switch self {
        case .constant, .input, .inputValue: []
        case .add(let a, let b), .sub(let a, let b), .mul(let a, let b), .min(let a, let b), .max(let a, let b): [a, b]
        case .div(let a, let b, _), .floorDiv(let a, let b, _), .ceilDiv(let a, let b, _), .exactDiv(let a, let b, _),
            .broadcast(let a, let b, _), .equal(let a, let b, _):
            [a, b]
        case .atLeast(let a, _, _): [a]
        case .sliceStart(let dim, let start, _): [dim, start]
        case .sliceCount(let dim, let start, let end, _): [dim, start, end]
        case .windowLength(let input, _, _, _, _, _, _): [input]
        }
    }

    package var site: Int? {
        switch self {
        case .div(_, _, let site), .floorDiv(_, _, let site), .ceilDiv(_, _, let site), .exactDiv(_, _, let site),
            .broadcast(_, _, let site), .equal(_, _, let site), .atLeast(_, _, let site):
            site
        default: nil
        }
    }
}

/// The integer computations that turn a run's input shapes into every tensor's shape and every dynamic operator
/// parameter. Built by the compiler (which folds everything static), stored in the plan, and evaluated once per
/// run as a flat loop over integers: this is how `Shape`-of-a-dynamic-input chains stay cheap after compilation.
package struct DimProgram: Sendable, Equatable {
    package var instructions: [DimInstruction] = []
    package var sites: [String] = []

    package init(instructions: [DimInstruction] = [], sites: [String] = []) {
        self.instructions = instructions
        self.sites = sites
    }

    package var count: Int { instructions.count }

    /// The compile-time value of `ref` when it is a constant instruction.
    package func constant(_ ref: DimRef) -> Int? {
        if case .constant(let value) = instructions[ref.index] { return value }
        return nil
    }

    package func constantValues(_ refs: [DimRef]) -> [Int]? {
        var values: [Int] = []
        for ref in refs {
            guard ref.index >= 0, ref.index < instructions.count, let value = constant(ref) else { return nil }
            values.append(value)
        }
        return values
    }

    /// Evaluates every instruction. `inputDim(input, axis)` returns the run's input dimensions and
    /// `inputValue(input, index)` an element of an int64 input (both already checked against the signatures).
    package func evaluate(
        into values: UnsafeMutableBufferPointer<Int>, inputDim: (Int, Int) -> Int, inputValue: (Int, Int) -> Int
    ) throws(EngineError) {
        precondition(values.count >= instructions.count)
        for (index, instruction) in instructions.enumerated() {
            values[index] = try value(of: instruction, values, inputDim, inputValue)
        }
    }

    private func value(
        of instruction: DimInstruction, _ v: UnsafeMutableBufferPointer<Int>, _ inputDim: (Int, Int) -> Int,
        _ inputValue: (Int, Int) -> Int
    ) throws(EngineError) -> Int {
        switch instruction {
        case .constant(let value): return value
        case .input(let input, let axis): return inputDim(input, axis)
        case .inputValue(let input, let index): return inputValue(input, index)
        case .add(let a, let b): return try checked(v[a].addingReportingOverflow(v[b]), "addition")
        case .sub(let a, let b): return try checked(v[a].subtractingReportingOverflow(v[b]), "subtraction")
        case .mul(let a, let b): return try checked(v[a].multipliedReportingOverflow(by: v[b]), "multiplication")
        case .div(let a, let b, let site):
            guard v[b] != 0 else { throw failure(site, "division by zero") }
            return try checked(v[a].dividedReportingOverflow(by: v[b]), "division")
        case .floorDiv(let a, let b, let site):
            guard v[b] > 0 else { throw failure(site, "division by \(v[b])") }
            let q = v[a] / v[b]
            return (v[a] % v[b] != 0 && v[a] < 0) ? q - 1 : q
        case .ceilDiv(let a, let b, let site):
            guard v[b] > 0 else { throw failure(site, "division by \(v[b])") }
            let q = v[a] / v[b]
            return (v[a] % v[b] != 0 && v[a] > 0) ? q + 1 : q
        case .exactDiv(let a, let b, let site):
            guard v[b] > 0, v[a] % v[b] == 0 else {
                throw failure(site, "\(v[a]) elements cannot be split into groups of \(v[b])")
            }
            return v[a] / v[b]
        case .min(let a, let b): return Swift.min(v[a], v[b])
        case .max(let a, let b): return Swift.max(v[a], v[b])
        case .broadcast(let a, let b, let site):
            if v[a] == v[b] || v[b] == 1 { return v[a] }
            if v[a] == 1 { return v[b] }
            throw failure(site, "dimensions \(v[a]) and \(v[b]) cannot be broadcast together")
        case .equal(let a, let b, let site):
            guard v[a] == v[b] else { throw failure(site, "expected dimension \(v[b]), got \(v[a])") }
            return v[a]
        case .atLeast(let a, let bound, let site):
            guard v[a] >= bound else { throw failure(site, "dimension \(v[a]) is below \(bound)") }
            return v[a]
        case .sliceStart(let dim, let start, let step):
            return SliceArithmetic.start(dim: v[dim], start: v[start], step: step)
        case .sliceCount(let dim, let start, let end, let step):
            return SliceArithmetic.count(dim: v[dim], start: v[start], end: v[end], step: step)
        case .windowLength(let input, let kernel, let padBegin, let padEnd, let stride, let dilation, let ceil):
            return try WindowArithmetic.length(
                input: v[input], kernel: kernel, padBegin: padBegin, padEnd: padEnd, stride: stride, dilation: dilation,
                ceil: ceil)
        }
    }

    private func checked(_ result: (partialValue: Int, overflow: Bool), _ what: String) throws(EngineError) -> Int {
        guard !result.overflow else { throw EngineError.invalidInput("shape arithmetic overflowed in \(what)") }
        return result.partialValue
    }

    private func failure(_ site: Int, _ message: String) -> EngineError {
        let place = sites.indices.contains(site) ? sites[site] : "shape check"
        return EngineError.invalidInput("\(place): \(message)")
    }
}

/// ONNX Slice index arithmetic for one axis, shared by compile-time folding and the dim program.
package enum SliceArithmetic {
    /// Effective first index: negative counts from the end; clamped to [0, dim] (step > 0) or [0, dim-1] (step < 0).
    package static func start(dim: Int, start: Int, step: Int) -> Int {
        let s = start < 0 ? start &+ dim : start
        return step > 0 ? clamp(s, 0, dim) : clamp(s, 0, dim - 1)
    }

    /// Effective end, exclusive: clamped to [0, dim] (step > 0) or [-1, dim-1] (step < 0).
    package static func end(dim: Int, end: Int, step: Int) -> Int {
        let e = end < 0 ? end &+ dim : end
        return step > 0 ? clamp(e, 0, dim) : clamp(e, -1, dim - 1)
    }

    package static func count(dim: Int, start: Int, end: Int, step: Int) -> Int {
        guard step != 0, dim > 0 else { return 0 }
        let s = Self.start(dim: dim, start: start, step: step)
        let e = Self.end(dim: dim, end: end, step: step)
        // Written as (distance - 1) / |step| + 1 so that a huge step cannot overflow.
        if step > 0 { return e > s ? (e - s - 1) / step + 1 : 0 }
        guard s > e else { return 0 }
        return step == Int.min ? 1 : (s - e - 1) / (-step) + 1
    }

    private static func clamp(_ value: Int, _ low: Int, _ high: Int) -> Int {
        Swift.min(Swift.max(value, low), high)
    }
}

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
