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
