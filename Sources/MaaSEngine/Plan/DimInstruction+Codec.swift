/// Dim-program instructions as an opcode and a list of integers, the form the plan header stores.
/// Opcodes are part of the file format.
extension DimInstruction {
    package var record: (code: Int, values: [Int]) {
        switch self {
        case .constant(let v): (1, [v])
        case .input(let input, let axis): (2, [input, axis])
        case .add(let a, let b): (3, [a, b])
        case .sub(let a, let b): (4, [a, b])
        case .mul(let a, let b): (5, [a, b])
        case .div(let a, let b, let site): (6, [a, b, site])
        case .floorDiv(let a, let b, let site): (7, [a, b, site])
        case .ceilDiv(let a, let b, let site): (8, [a, b, site])
        case .exactDiv(let a, let b, let site): (9, [a, b, site])
        case .min(let a, let b): (10, [a, b])
        case .max(let a, let b): (11, [a, b])
        case .broadcast(let a, let b, let site): (12, [a, b, site])
        case .equal(let a, let b, let site): (13, [a, b, site])
        case .atLeast(let a, let bound, let site): (14, [a, bound, site])
        case .sliceStart(let dim, let start, let step): (15, [dim, start, step])
        case .sliceCount(let dim, let start, let end, let step): (16, [dim, start, end, step])
        case .windowLength(let input, let kernel, let padBegin, let padEnd, let stride, let dilation, let ceil):
            (17, [input, kernel, padBegin, padEnd, stride, dilation, ceil ? 1 : 0])
        case .inputValue(let input, let index): (18, [input, index])
        }
    }

    package init(code: Int, values v: [Int]) throws(EngineError) {
        let arity = [1: 1, 2: 2, 3: 2, 4: 2, 5: 2, 6: 3, 7: 3, 8: 3, 9: 3, 10: 2, 11: 2, 12: 3, 13: 3, 14: 3, 15: 3, 16: 4, 17: 7, 18: 2]
        guard let expected = arity[code] else { throw EngineError.invalidModel("dim instruction code \(code) is unknown") }
        guard v.count == expected else {
            throw EngineError.invalidModel("dim instruction code \(code) has \(v.count) operands, expected \(expected)")
        }
        switch code {
        case 1: self = .constant(v[0])
        case 2: self = .input(input: v[0], axis: v[1])
        case 3: self = .add(v[0], v[1])
        case 4: self = .sub(v[0], v[1])
        case 5: self = .mul(v[0], v[1])
        case 6: self = .div(v[0], v[1], site: v[2])
        case 7: self = .floorDiv(v[0], v[1], site: v[2])
        case 8: self = .ceilDiv(v[0], v[1], site: v[2])
        case 9: self = .exactDiv(v[0], v[1], site: v[2])
        case 10: self = .min(v[0], v[1])
        case 11: self = .max(v[0], v[1])
        case 12: self = .broadcast(v[0], v[1], site: v[2])
        case 13: self = .equal(v[0], v[1], site: v[2])
        case 14: self = .atLeast(v[0], bound: v[1], site: v[2])
        case 15: self = .sliceStart(dim: v[0], start: v[1], step: v[2])
        case 16: self = .sliceCount(dim: v[0], start: v[1], end: v[2], step: v[3])
        case 18: self = .inputValue(input: v[0], index: v[1])
        default:
            guard v[6] == 0 || v[6] == 1 else { throw EngineError.invalidModel("window length has a bad ceil flag") }
            self = .windowLength(input: v[0], kernel: v[1], padBegin: v[2], padEnd: v[3], stride: v[4], dilation: v[5], ceil: v[6] == 1)
        }
    }
}
