/// Builds a `DimProgram` while the compiler walks the graph.
///
/// Every operation folds when its operands are constants and is hash-consed otherwise, so the same symbolic
/// dimension always has the same `DimRef`: that is what lets the compiler see that `[batch, 128]` and
/// `[batch, 128]` match without knowing `batch`. A check that fails on constants fails the compilation.
package struct DimProgramBuilder: Sendable {
    package private(set) var program = DimProgram()
    private var existing: [DimInstruction: Int] = [:]
    private var siteIndex: [String: Int] = [:]
    private var monomials: [Int: Monomial] = [:]

    package init() {}

    package func constantValue(_ ref: DimRef) -> Int? {
        program.constant(ref)
    }

    package func constantValues(_ refs: [DimRef]) -> [Int]? {
        var values: [Int] = []
        values.reserveCapacity(refs.count)
        for ref in refs {
            guard let value = constantValue(ref) else { return nil }
            values.append(value)
        }
        return values
    }

    package func isConstant(_ ref: DimRef, _ value: Int) -> Bool { constantValue(ref) == value }

    private mutating func emit(_ instruction: DimInstruction) -> DimRef {
        if let index = existing[instruction] { return DimRef(index) }
        let index = program.instructions.count
        program.instructions.append(instruction)
        existing[instruction] = index
        return DimRef(index)
    }

    package mutating func site(_ text: String) -> Int {
        if let index = siteIndex[text] { return index }
        let index = program.sites.count
        program.sites.append(text)
        siteIndex[text] = index
        return index
    }

    package mutating func constant(_ value: Int) -> DimRef { emit(.constant(value)) }

    package mutating func constants(_ values: [Int]) -> [DimRef] { values.map { constant($0) } }

    package mutating func input(_ input: Int, axis: Int) -> DimRef { emit(.input(input: input, axis: axis)) }

    package mutating func inputValue(_ input: Int, index: Int) -> DimRef { emit(.inputValue(input: input, index: index)) }

    package mutating func add(_ a: DimRef, _ b: DimRef) throws(EngineError) -> DimRef {
        if let x = constantValue(a), let y = constantValue(b) { return constant(try fold(x.addingReportingOverflow(y))) }
        if isConstant(a, 0) { return b }
        if isConstant(b, 0) { return a }
        return emit(.add(min(a, b).index, max(a, b).index))
    }

    package mutating func sub(_ a: DimRef, _ b: DimRef) throws(EngineError) -> DimRef {
        if let x = constantValue(a), let y = constantValue(b) {
            return constant(try fold(x.subtractingReportingOverflow(y)))
        }
        if isConstant(b, 0) { return a }
        return emit(.sub(a.index, b.index))
    }

    /// A product of symbolic factors times a constant. Products are built in one canonical order (factors sorted,
    /// constant last), so equal products share a ref and divisions by a sub-product cancel at compile time.
    private struct Monomial {
        var coefficient: Int
        var factors: [DimRef]
    }

    private func monomial(_ ref: DimRef) -> Monomial {
        if let value = constantValue(ref) { return Monomial(coefficient: value, factors: []) }
        return monomials[ref.index] ?? Monomial(coefficient: 1, factors: [ref])
    }

    private mutating func build(_ m: Monomial) -> DimRef {
        guard let first = m.factors.first, m.coefficient != 0 else { return constant(m.coefficient) }
        var result = first
        for factor in m.factors.dropFirst() { result = emit(.mul(result.index, factor.index)) }
        if m.coefficient != 1 { result = emit(.mul(result.index, constant(m.coefficient).index)) }
        if m.factors.count > 1 || m.coefficient != 1 { monomials[result.index] = m }
        return result
    }

    package mutating func mul(_ a: DimRef, _ b: DimRef) throws(EngineError) -> DimRef {
        let x = monomial(a), y = monomial(b)
        let coefficient = try fold(x.coefficient.multipliedReportingOverflow(by: y.coefficient))
        return build(Monomial(coefficient: coefficient, factors: (x.factors + y.factors).sorted()))
    }

    package mutating func product(_ refs: [DimRef]) throws(EngineError) -> DimRef {
        var result = constant(1)
        for ref in refs { result = try mul(result, ref) }
        return result
    }

    /// Truncating integer division (ONNX `Div` on integer tensors).
    package mutating func div(_ a: DimRef, _ b: DimRef, site text: String) throws(EngineError) -> DimRef {
        if let y = constantValue(b) {
            guard y != 0 else { throw EngineError.invalidModel("\(text): division by zero") }
            if let x = constantValue(a) { return constant(try fold(x.dividedReportingOverflow(by: y))) }
            if y == 1 { return a }
        }
        return emit(.div(a.index, b.index, site: site(text)))
    }

    package mutating func floorDiv(_ a: DimRef, _ b: DimRef, site text: String) throws(EngineError) -> DimRef {
        if let y = constantValue(b) {
            guard y > 0 else { throw EngineError.invalidModel("\(text): division by \(y)") }
            if let x = constantValue(a) { return constant(x / y - (x % y != 0 && x < 0 ? 1 : 0)) }
            if y == 1 { return a }
        }
        return emit(.floorDiv(a.index, b.index, site: site(text)))
    }

    package mutating func ceilDiv(_ a: DimRef, _ b: DimRef, site text: String) throws(EngineError) -> DimRef {
        if let y = constantValue(b) {
            guard y > 0 else { throw EngineError.invalidModel("\(text): division by \(y)") }
            if let x = constantValue(a) { return constant(x / y + (x % y != 0 && x > 0 ? 1 : 0)) }
            if y == 1 { return a }
        }
        return emit(.ceilDiv(a.index, b.index, site: site(text)))
    }

    package mutating func exactDiv(_ a: DimRef, _ b: DimRef, site text: String) throws(EngineError) -> DimRef {
        if let x = constantValue(a), let y = constantValue(b) {
            guard y > 0, x % y == 0 else {
                throw EngineError.invalidModel("\(text): \(x) elements cannot be split into groups of \(y)")
            }
            return constant(x / y)
        }
        if isConstant(b, 1) { return a }
        if a == b { return constant(1) }
        // (B·T·H)/H = B·T: the Reshape [B, T, H] → [-1, H] that Keras writes before every Dense.
        let x = monomial(a), y = monomial(b)
        var remaining = x.factors
        let cancels = y.factors.allSatisfy { factor in
            guard let position = remaining.firstIndex(of: factor) else { return false }
            remaining.remove(at: position)
            return true
        }
        if cancels, y.coefficient > 0, x.coefficient % y.coefficient == 0 {
            return build(Monomial(coefficient: x.coefficient / y.coefficient, factors: remaining))
        }
        return emit(.exactDiv(a.index, b.index, site: site(text)))
    }

    package mutating func minimum(_ a: DimRef, _ b: DimRef) -> DimRef {
        if let x = constantValue(a), let y = constantValue(b) { return constant(Swift.min(x, y)) }
        if a == b { return a }
        return emit(.min(Swift.min(a, b).index, Swift.max(a, b).index))
    }

    package mutating func maximum(_ a: DimRef, _ b: DimRef) -> DimRef {
        if let x = constantValue(a), let y = constantValue(b) { return constant(Swift.max(x, y)) }
        if a == b { return a }
        return emit(.max(Swift.min(a, b).index, Swift.max(a, b).index))
    }

    /// ONNX broadcasting of two dimensions.
    package mutating func broadcast(_ a: DimRef, _ b: DimRef, site text: String) throws(EngineError) -> DimRef {
        if a == b || isConstant(b, 1) { return a }
        if isConstant(a, 1) { return b }
        if let x = constantValue(a), let y = constantValue(b) {
            throw EngineError.invalidModel("\(text): dimensions \(x) and \(y) cannot be broadcast together")
        }
        let check = emit(.broadcast(a.index, b.index, site: site(text)))
        // A static side other than 1 decides the result; the check still runs, since every instruction does.
        if constantValue(a) != nil { return a }
        if constantValue(b) != nil { return b }
        return check
    }

    /// Two dimensions that must agree; fails now when both are known, else checks at run time.
    package mutating func equal(_ a: DimRef, _ b: DimRef, site text: String) throws(EngineError) -> DimRef {
        if a == b { return a }
        if let x = constantValue(a), let y = constantValue(b) {
            guard x == y else { throw EngineError.invalidModel("\(text): expected dimension \(y), got \(x)") }
            return a
        }
        let check = emit(.equal(a.index, b.index, site: site(text)))
        // Hand on the static side so later consumers fold with it; the check still runs, since every instruction does.
        if constantValue(a) != nil { return a }
        if constantValue(b) != nil { return b }
        return check
    }

    package mutating func atLeast(_ a: DimRef, _ bound: Int, site text: String) throws(EngineError) -> DimRef {
        if let x = constantValue(a) {
            guard x >= bound else { throw EngineError.invalidModel("\(text): dimension \(x) is below \(bound)") }
            return a
        }
        return emit(.atLeast(a.index, bound: bound, site: site(text)))
    }

    package mutating func sliceStart(dim: DimRef, start: DimRef, step: Int) -> DimRef {
        if let d = constantValue(dim), let s = constantValue(start) {
            return constant(SliceArithmetic.start(dim: d, start: s, step: step))
        }
        return emit(.sliceStart(dim: dim.index, start: start.index, step: step))
    }

    package mutating func sliceCount(dim: DimRef, start: DimRef, end: DimRef, step: Int) -> DimRef {
        if let d = constantValue(dim), let s = constantValue(start), let e = constantValue(end) {
            return constant(SliceArithmetic.count(dim: d, start: s, end: e, step: step))
        }
        // The common "everything from start" slice of a dynamic axis.
        if isConstant(start, 0), step == 1, let e = constantValue(end), e >= Int(Int32.max) { return dim }
        return emit(.sliceCount(dim: dim.index, start: start.index, end: end.index, step: step))
    }

    package mutating func windowLength(
        input: DimRef, kernel: Int, padBegin: Int, padEnd: Int, stride: Int, dilation: Int, ceil: Bool
    ) throws(EngineError) -> DimRef {
        if let size = constantValue(input) {
            return constant(try WindowArithmetic.length(
                input: size, kernel: kernel, padBegin: padBegin, padEnd: padEnd, stride: stride, dilation: dilation,
                ceil: ceil))
        }
        return emit(.windowLength(
            input: input.index, kernel: kernel, padBegin: padBegin, padEnd: padEnd, stride: stride, dilation: dilation,
            ceil: ceil))
    }

    private func fold(_ result: (partialValue: Int, overflow: Bool)) throws(EngineError) -> Int {
        guard !result.overflow else { throw EngineError.invalidModel("shape arithmetic overflowed") }
        return result.partialValue
    }
}
