/// Each op kind as a code plus integer and float parameter lists, the form the plan header stores.
///
/// Codes and parameter orders are part of the file format: append new kinds, never renumber.
extension PlanOpKind {
    package struct Record: Sendable, Equatable {
        package var code: Int
        package var ints: [Int64]
        package var floats: [Float]

        package init(code: Int, ints: [Int64] = [], floats: [Float] = []) {
            self.code = code
            self.ints = ints
            self.floats = floats
        }
    }

    package var record: Record {
        func activation(_ a: FusedActivation) -> ([Int64], [Float]) {
            switch a {
            case .none: ([0], [])
            case .relu: ([1], [])
            case .leakyRelu(let alpha): ([2], [alpha])
            case .sigmoid: ([3], [])
            case .tanh: ([4], [])
            case .clip(let low, let high): ([5], [low, high])
            }
        }
        func window(_ w: WindowParameters) -> [Int64] {
            ([w.spatialRank] + w.kernel + w.padsBegin + w.padsEnd + w.strides + w.dilations + [w.autoPad.rawValue]).map(Int64.init)
        }
        func recurrent(_ p: RecurrentParameters) -> ([Int64], [Float]) {
            let flags = [p.hasPeepholes, p.inputForget, p.linearBeforeReset, p.clip != nil].map { Int64($0 ? 1 : 0) }
            return ([Int64(p.inputSize), Int64(p.hiddenSize), Int64(p.direction.rawValue), Int64(p.layout.rawValue)] + flags,
                    [p.clip ?? 0])
        }
        switch self {
        case .dense(let a):
            let (ints, floats) = activation(a)
            return Record(code: 1, ints: ints, floats: floats)
        case .matMul: return Record(code: 2)
        case .gemm(let alpha, let beta, let ta, let tb):
            return Record(code: 3, ints: [ta ? 1 : 0, tb ? 1 : 0], floats: [alpha, beta])
        case .lstm(let p):
            let (ints, floats) = recurrent(p)
            return Record(code: 4, ints: ints, floats: floats)
        case .gru(let p):
            let (ints, floats) = recurrent(p)
            return Record(code: 5, ints: ints, floats: floats)
        case .conv(let w, let group, let a):
            let (ints, floats) = activation(a)
            return Record(code: 6, ints: window(w) + [Int64(group)] + ints, floats: floats)
        case .batchNorm: return Record(code: 7)
        case .maxPool(let w): return Record(code: 8, ints: window(w))
        case .averagePool(let w, let include): return Record(code: 9, ints: window(w) + [include ? 1 : 0])
        case .globalAveragePool: return Record(code: 10)
        case .softmax(let axis, let log, let legacy):
            return Record(code: 11, ints: [Int64(axis), log ? 1 : 0, legacy ? 1 : 0])
        case .binary(let op): return Record(code: 12, ints: [Int64(op.rawValue)])
        case .activation(let a):
            let (ints, floats) = activation(a)
            return Record(code: 13, ints: ints, floats: floats)
        case .transpose(let permutation): return Record(code: 14, ints: permutation.map(Int64.init))
        case .slice(let axes, let starts, let steps):
            return Record(code: 15, ints: ([axes.count] + axes + starts.map(\.index) + steps).map(Int64.init))
        case .gather(let axis): return Record(code: 16, ints: [Int64(axis)])
        case .concat(let axis): return Record(code: 17, ints: [Int64(axis)])
        case .expand: return Record(code: 18)
        case .fill(let float, let int): return Record(code: 19, ints: [int], floats: [float])
        case .cast: return Record(code: 20)
        case .reduceMean(let axes): return Record(code: 21, ints: axes.map(Int64.init))
        case .materialize(let refs): return Record(code: 22, ints: refs.map { Int64($0.index) })
        case .copy: return Record(code: 23)
        }
    }

    /// Decodes a record, checking only that its parameter lists have the right lengths and ranges;
    /// `PlanValidator` checks them against tensors.
    package init(_ record: Record) throws(EngineError) {
        var ints = record.ints[...].map { Int(truncatingIfNeeded: $0) }[...]
        var floats = record.floats[...]
        func bad(_ what: String) -> EngineError {
            EngineError.invalidModel("plan op of kind \(record.code) has bad parameters (\(what))")
        }
        func int() throws(EngineError) -> Int {
            guard let value = ints.popFirst() else { throw bad("too few integers") }
            return value
        }
        func float() throws(EngineError) -> Float {
            guard let value = floats.popFirst() else { throw bad("too few floats") }
            return value
        }
        func list(_ count: Int) throws(EngineError) -> [Int] {
            guard count >= 0, count <= ints.count else { throw bad("list of \(count)") }
            let values = Array(ints.prefix(count))
            ints = ints.dropFirst(count)
            return values
        }
        func flag() throws(EngineError) -> Bool {
            let value = try int()
            guard value == 0 || value == 1 else { throw bad("flag \(value)") }
            return value == 1
        }
        func activation() throws(EngineError) -> FusedActivation {
            switch try int() {
            case 0: return .none
            case 1: return .relu
            case 2: return .leakyRelu(alpha: try float())
            case 3: return .sigmoid
            case 4: return .tanh
            case 5: return .clip(min: try float(), max: try float())
            case let code: throw bad("activation \(code)")
            }
        }
        func window() throws(EngineError) -> WindowParameters {
            let rank = try int()
            guard rank == 1 || rank == 2 else { throw bad("spatial rank \(rank)") }
            let kernel = try list(rank), begin = try list(rank), end = try list(rank), strides = try list(rank)
            let dilations = try list(rank)
            guard let autoPad = WindowParameters.AutoPad(rawValue: try int()) else { throw bad("auto_pad") }
            return WindowParameters(
                kernel: kernel, padsBegin: begin, padsEnd: end, strides: strides, dilations: dilations, autoPad: autoPad)
        }
        func recurrent() throws(EngineError) -> RecurrentParameters {
            let inputSize = try int(), hiddenSize = try int()
            guard let direction = RecurrentDirection(rawValue: try int()), let layout = RecurrentLayout(rawValue: try int()),
                inputSize > 0, hiddenSize > 0, inputSize < 1 << 24, hiddenSize < 1 << 24
            else { throw bad("recurrent sizes, direction or layout") }
            let peepholes = try flag(), inputForget = try flag(), linearBeforeReset = try flag(), hasClip = try flag()
            let clip = try float()
            var p = RecurrentParameters(
                inputSize: inputSize, hiddenSize: hiddenSize, direction: direction, layout: layout, clip: hasClip ? clip : nil)
            p.hasPeepholes = peepholes
            p.inputForget = inputForget
            p.linearBeforeReset = linearBeforeReset
            return p
        }
        switch record.code {
        case 1: self = .dense(try activation())
        case 2: self = .matMul
        case 3:
            let ta = try flag(), tb = try flag()
            self = .gemm(alpha: try float(), beta: try float(), transposeA: ta, transposeB: tb)
        case 4: self = .lstm(try recurrent())
        case 5: self = .gru(try recurrent())
        case 6:
            let w = try window()
            self = .conv(w, group: try int(), activation: try activation())
        case 7: self = .batchNorm
        case 8: self = .maxPool(try window())
        case 9:
            let w = try window()
            self = .averagePool(w, countIncludePad: try flag())
        case 10: self = .globalAveragePool
        case 11:
            let axis = try int()
            self = .softmax(axis: axis, log: try flag(), legacy: try flag())
        case 12:
            guard let op = BinaryOperator(rawValue: try int()) else { throw bad("binary operator") }
            self = .binary(op)
        case 13: self = .activation(try activation())
        case 14: self = .transpose(permutation: try list(ints.count))
        case 15:
            let count = try int()
            self = .slice(axes: try list(count), starts: try list(count).map(DimRef.init), steps: try list(count))
        case 16: self = .gather(axis: try int())
        case 17: self = .concat(axis: try int())
        case 18: self = .expand
        case 19: self = .fill(try float(), Int64(try int()))
        case 20: self = .cast
        case 21: self = .reduceMean(axes: try list(ints.count))
        case 22: self = .materialize(try list(ints.count).map(DimRef.init))
        case 23: self = .copy
        default: throw EngineError.invalidModel("plan op kind \(record.code) is unknown")
        }
        guard ints.isEmpty, floats.isEmpty else { throw bad("extra parameters") }
    }
}
