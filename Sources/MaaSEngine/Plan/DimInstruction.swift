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
