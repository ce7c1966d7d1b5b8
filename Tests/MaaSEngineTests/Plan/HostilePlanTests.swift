import Testing
import MaaSEngine

/// Plan files are hostile too: a damaged or forged `.maas` must end in an error, never in a crash or a wild
/// memory access, whether the damage is caught at load (validation) or only by the ops at run time.
@Suite("hostile plan files")
struct HostilePlanTests {
    static let compiled = try! ReferenceModels.speechLike.compile()
    static let valid = compiled.serialized()

    /// A file around arbitrary header bytes, with a correct preamble and checksum.
    static func file(header: [UInt8], weights: [UInt8]) -> [UInt8] {
        let offset = PlanFileLayout.aligned(PlanFileLayout.preambleSize + header.count)
        let preamble = PlanFileLayout.Preamble(
            version: PlanFileLayout.formatVersion, headerChecksum: CRC32.checksum(header), headerLength: header.count,
            weightsOffset: offset, weightsLength: weights.count)
        return preamble.encoded() + header + [UInt8](repeating: 0, count: offset - 64 - header.count) + weights
    }

    static func mutated(_ change: (inout Plan) -> Void) -> [UInt8] {
        var plan = compiled.plan
        change(&plan)
        return PlanFile.serialize(CompiledPlan(plan: plan, weights: compiled.compiled.weights))
    }

    /// Loading must fail, or loading succeeds and running must fail or succeed — but never crash.
    static func survives(_ bytes: [UInt8]) {
        guard let model = try? LoadedModel.load(bytes: bytes) else { return }
        do {
            _ = try model.run(ReferenceModels.input(time: 3, batch: 2))
        } catch {
            #expect(error.kind != .internalError, "\(error)")
        }
    }

    static func word(_ bytes: inout [UInt8], at offset: Int, _ value: UInt64) {
        for i in 0..<8 { bytes[offset + i] = UInt8(truncatingIfNeeded: value >> (8 * UInt64(i))) }
    }

    @Test("a damaged preamble is rejected", arguments: [
        "bad magic", "version 2", "header past the end", "unaligned weights", "weights overlap header",
        "weights length", "reserved bytes", "checksum", "truncated", "tiny", "empty",
    ])
    func preamble(_ damage: String) {
        var bytes = Self.valid
        switch damage {
        case "bad magic": bytes[0] = UInt8(ascii: "X")
        case "version 2": bytes[8] = 2
        case "header past the end": Self.word(&bytes, at: 16, UInt64(bytes.count))
        case "unaligned weights": Self.word(&bytes, at: 24, 65)
        case "weights overlap header": Self.word(&bytes, at: 24, 64)
        case "weights length": Self.word(&bytes, at: 32, 8)
        case "reserved bytes": bytes[50] = 1
        case "checksum": bytes[70] ^= 0x40
        case "truncated": bytes.removeLast(1)
        case "tiny": bytes = Array(bytes.prefix(10))
        default: bytes = []
        }
        let error = #expect(throws: EngineError.self) { try LoadedModel.load(bytes: bytes) }
        #expect(error?.kind == .invalidModel, "\(damage): \(String(describing: error))")
    }

    @Test("plans that contradict themselves are rejected at load", arguments: [
        "op reads a missing tensor", "constant outside the weights", "constant of the wrong size",
        "dim instruction reads ahead", "alias of a later tensor", "read before write", "mixed operand types",
        "output bound to nothing", "input bound twice", "constant with a dynamic shape", "output never written",
        "computed tensor written twice",
    ])
    func contradictions(_ damage: String) {
        let bytes = Self.mutated { plan in
            switch damage {
            case "op reads a missing tensor": plan.ops[0].inputs[0] = plan.tensors.count + 5
            case "constant outside the weights": plan.constants[0].offset = 1 << 40
            case "constant of the wrong size": plan.constants[0].byteCount += 4
            case "dim instruction reads ahead": plan.dims.instructions.append(.add(plan.dims.count + 3, 0))
            case "alias of a later tensor":
                plan.tensors.append(PlanTensor(name: "bad", type: .float32, shape: [], storage: .alias(plan.tensors.count + 1)))
            case "read before write": plan.ops.reverse()
            case "mixed operand types":
                plan.tensors.append(PlanTensor(name: "ints", type: .int64, shape: [], storage: .computed))
                plan.ops.append(PlanOp(.binary(.add), inputs: [0, plan.tensors.count - 1], outputs: [plan.tensors.count - 1], origin: "x"))
            case "output bound to nothing": plan.outputs[0].tensor = -1
            case "input bound twice": plan.inputs.append(plan.inputs[0])
            case "constant with a dynamic shape":
                let index = plan.tensors.firstIndex { if case .constant = $0.storage { true } else { false } }!
                plan.tensors[index].shape[0] = plan.tensors[plan.inputs[0].tensor].shape[0]
            case "output never written": plan.ops.removeLast()
            default: plan.ops.append(plan.ops.last!)
            }
        }
        let error = #expect(throws: EngineError.self) { try LoadedModel.load(bytes: bytes) }
        #expect(error?.kind == .invalidModel, "\(damage): \(String(describing: error))")
    }

    @Test("op kinds and parameters the format does not define are rejected at load", arguments: [
        PlanOpKind.Record(code: 99), .init(code: 1, ints: [9]), .init(code: 12, ints: [7]),
        .init(code: 8, ints: [3, 1, 1, 1]), .init(code: 4, ints: [4, 6, 5, 0, 0, 0, 0, 0], floats: [0]),
        .init(code: 14, ints: [], floats: [1]),
    ])
    func undefinedKinds(_ record: PlanOpKind.Record) {
        #expect(throws: EngineError.self) { try PlanOpKind(record) }
    }

    @Test("plans whose shapes only contradict the ops at run time fail the run, not the process", arguments: [
        "dense weight swapped", "recurrent weights swapped", "softmax axis", "transpose permutation",
        "slice out of range", "gather out of range", "view of another size", "huge dimension",
    ])
    func runTimeContradictions(_ damage: String) throws {
        let bytes = Self.mutated { plan in
            let constants = plan.tensors.indices.filter { if case .constant = plan.tensors[$0].storage { true } else { false } }
            let last = plan.ops.count - 1
            switch damage {
            case "dense weight swapped":
                let dense = plan.ops.firstIndex { if case .dense = $0.kind { true } else { false } }!
                plan.ops[dense].inputs[1] = constants.last!
            case "recurrent weights swapped":
                plan.ops[0].inputs[1] = constants.last!
            case "softmax axis": plan.ops[last].kind = .softmax(axis: 9, log: false, legacy: false)
            case "transpose permutation": plan.ops[last].kind = .transpose(permutation: [5, 0, 1])
            case "slice out of range":
                plan.dims.instructions.append(.constant(1000))
                plan.ops[last].kind = .slice(axes: [0], starts: [DimRef(plan.dims.count - 1)], steps: [1])
            case "gather out of range":
                plan.dims.instructions.append(.constant(1 << 20))
                plan.tensors.append(PlanTensor(name: "index", type: .int64, shape: [], storage: .computed))
                let index = plan.tensors.count - 1
                plan.ops.insert(PlanOp(.materialize([DimRef(plan.dims.count - 1)]), inputs: [], outputs: [index], origin: "m"), at: last)
                plan.ops[last + 1].kind = .gather(axis: 0)
                plan.ops[last + 1].inputs.append(index)
            case "view of another size":
                let alias = plan.tensors.indices.first { if case .alias = plan.tensors[$0].storage { true } else { false } }!
                plan.dims.instructions.append(.constant(7))
                plan.tensors[alias].shape[0] = DimRef(plan.dims.count - 1)
            default:
                plan.dims.instructions.append(.constant(1 << 50))
                let output = plan.outputs[0].tensor
                plan.tensors[output].shape[0] = DimRef(plan.dims.count - 1)
            }
        }
        let model = try LoadedModel.load(bytes: bytes)
        let error = #expect(throws: EngineError.self) { try model.run(ReferenceModels.input(time: 3, batch: 2)) }
        #expect(error?.kind == .invalidModel || error?.kind == .invalidInput, "\(damage): \(String(describing: error))")
        let expected = [
            "dense weight swapped": "weight [3] does not match", "recurrent weights swapped": "packed weights have",
            "softmax axis": "axis out of range", "transpose permutation": "permutation [5, 0, 1]",
            "slice out of range": "leaves the input", "gather out of range": "(Gather)", "view of another size": "cannot view",
            "huge dimension": "too large",
        ][damage]!
        #expect(error?.message.contains(expected) == true, "\(damage): \(error?.message ?? "")")
    }

    @Test("every truncation of a valid plan is rejected")
    func truncations() {
        let bytes = Self.valid
        for length in stride(from: 0, to: bytes.count, by: 7) {
            #expect(throws: EngineError.self) { try LoadedModel.load(bytes: Array(bytes[..<length])) }
        }
    }

    @Test("seeded random header damage with a recomputed checksum never crashes load or run")
    func headerFuzz() {
        let header = PlanHeaderCodec.encode(Self.compiled.plan)
        let weights = Self.compiled.compiled.weights.bytes
        var state: UInt64 = 0x2545_F491_4F6C_DD1D
        func next() -> Int {
            state ^= state << 13
            state ^= state >> 7
            state ^= state << 17
            return Int(state % UInt64(Int.max))
        }
        for _ in 0..<3000 {
            var damaged = header
            for _ in 0..<(1 + next() % 3) {
                damaged[next() % damaged.count] = UInt8(truncatingIfNeeded: next())
            }
            Self.survives(Self.file(header: damaged, weights: weights))
        }
    }
}

extension WeightSection {
    /// The section as bytes, for building files by hand.
    var bytes: [UInt8] {
        [UInt8](unsafeUninitializedCapacity: length) { buffer, initialized in
            if let base = buffer.baseAddress { write(into: base) }
            initialized = length
        }
    }
}
