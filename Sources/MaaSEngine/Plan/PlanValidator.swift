/// Checks a decoded plan before anything runs it: every index in range, every dim-program operand pointing
/// backwards, every constant inside the weight section with exactly the bytes its shape needs, every op with
/// the operands and element types its kind requires, every tensor written once before it is read.
///
/// What depends on run-time shapes (window sizes, permutations, broadcast compatibility) the ops check
/// themselves on every run, so that a plan passing this validation cannot make the executor touch memory
/// outside its buffers.
package enum PlanValidator {
    package static let maxRank = 32

    package static func validate(_ plan: Plan, weightsLength: Int) throws(EngineError) {
        try validateDims(plan)
        try validateConstants(plan, weightsLength: weightsLength)
        try validateTensors(plan)
        try validateBindings(plan)
        try validateOps(plan)
    }

    private static func fail(_ message: String) -> EngineError {
        EngineError.invalidModel("plan is invalid: \(message)")
    }

    private static func validateDims(_ plan: Plan) throws(EngineError) {
        for (index, instruction) in plan.dims.instructions.enumerated() {
            guard instruction.operands.allSatisfy({ $0 >= 0 && $0 < index }) else {
                throw fail("dim instruction \(index) reads a later or missing instruction")
            }
            if let site = instruction.site, !plan.dims.sites.indices.contains(site) {
                throw fail("dim instruction \(index) names a missing site")
            }
            switch instruction {
            case .input(let input, let axis):
                guard plan.inputs.indices.contains(input), axis >= 0, axis < plan.inputs[input].signature.shape.count else {
                    throw fail("dim instruction \(index) reads a missing input dimension")
                }
            case .inputValue(let input, let element):
                guard plan.inputs.indices.contains(input), plan.inputs[input].signature.elementType == .int64,
                    plan.inputs[input].signature.shape.allSatisfy({ $0 > 0 }), element >= 0,
                    element < ElementCount.of(plan.inputs[input].signature.shape) ?? 0
                else { throw fail("dim instruction \(index) reads a missing input value") }
            case .sliceStart(_, _, let step), .sliceCount(_, _, _, let step):
                guard step != 0 else { throw fail("dim instruction \(index) has slice step 0") }
            default: break
            }
        }
    }

    private static func validateConstants(_ plan: Plan, weightsLength: Int) throws(EngineError) {
        for (index, constant) in plan.constants.enumerated() {
            guard constant.offset >= 0, constant.byteCount >= 0, constant.offset % PlanFileLayout.alignment == 0,
                constant.offset <= weightsLength, constant.byteCount <= weightsLength - constant.offset
            else { throw fail("constant \(index) (offset \(constant.offset), \(constant.byteCount) bytes) is outside the weight section") }
        }
    }

    private static func validateTensors(_ plan: Plan) throws(EngineError) {
        for (index, tensor) in plan.tensors.enumerated() {
            guard tensor.rank <= maxRank, tensor.shape.allSatisfy({ $0.index >= 0 && $0.index < plan.dims.count }) else {
                throw fail("tensor \(index) '\(tensor.name)' has a bad shape")
            }
            switch tensor.storage {
            case .input(let input):
                guard plan.inputs.indices.contains(input), plan.inputs[input].tensor == index,
                    DataType(plan.inputs[input].signature.elementType) == tensor.type,
                    plan.inputs[input].signature.shape.count == tensor.rank
                else { throw fail("tensor \(index) '\(tensor.name)' does not match input \(input)") }
            case .constant(let constant):
                guard plan.constants.indices.contains(constant), let shape = plan.dims.constantValues(tensor.shape) else {
                    throw fail("constant tensor \(index) '\(tensor.name)' has no data or a dynamic shape")
                }
                var bytes = tensor.type.storageSize
                for dim in shape {
                    let product = bytes.multipliedReportingOverflow(by: dim)
                    guard dim >= 0, !product.overflow else { throw fail("constant tensor \(index) has a bad shape") }
                    bytes = product.partialValue
                }
                guard bytes == plan.constants[constant].byteCount else {
                    throw fail("constant tensor \(index) '\(tensor.name)' needs \(bytes) bytes, its data has \(plan.constants[constant].byteCount)")
                }
            case .alias(let root):
                guard root >= 0, root < index, plan.tensors[root].type == tensor.type else {
                    throw fail("alias tensor \(index) '\(tensor.name)' has a bad root")
                }
                if case .alias = plan.tensors[root].storage { throw fail("alias tensor \(index) points at another alias") }
            case .computed: break
            }
        }
    }

    private static func validateBindings(_ plan: Plan) throws(EngineError) {
        guard !plan.outputs.isEmpty else { throw fail("no outputs") }
        for (index, binding) in plan.inputs.enumerated() {
            guard plan.tensors.indices.contains(binding.tensor), plan.tensors[binding.tensor].storage == .input(index),
                binding.signature.shape.allSatisfy({ $0 == -1 || $0 > 0 })
            else { throw fail("input '\(binding.signature.name)' is bound to a wrong tensor") }
        }
        for binding in plan.outputs {
            guard plan.tensors.indices.contains(binding.tensor),
                plan.tensors[binding.tensor].type == DataType(binding.signature.elementType),
                plan.tensors[binding.tensor].rank == binding.signature.shape.count
            else { throw fail("output '\(binding.signature.name)' is bound to a wrong tensor") }
        }
    }

    /// Storage class an operand position requires: float, integer, or whatever the op's data type is.
    private enum Slot {
        case float, integer
        /// Float or integer, the same for every `.any` operand of the op.
        case any
        /// Float or integer, unconstrained (Cast, ConstantOfShape).
        case free
    }

    private struct Signature {
        var inputs: [(Slot, required: Bool)]
        var outputs: [(Slot, required: Bool)]
        /// All `.any` operands must share one storage class.
        var variadicInputs = false
    }

    private static func signature(_ kind: PlanOpKind) -> Signature {
        let f = (Slot.float, required: true), fo = (Slot.float, required: false)
        let a = (Slot.any, required: true)
        switch kind {
        case .dense: return Signature(inputs: [f, f, fo], outputs: [f])
        case .matMul: return Signature(inputs: [f, f], outputs: [f])
        case .gemm: return Signature(inputs: [f, f, fo], outputs: [f])
        case .lstm: return Signature(inputs: [f, f, (.integer, false), fo, fo], outputs: [fo, fo, fo])
        case .gru: return Signature(inputs: [f, f, (.integer, false), fo], outputs: [fo, fo])
        case .conv: return Signature(inputs: [f, f, fo], outputs: [f])
        case .batchNorm: return Signature(inputs: [f, f], outputs: [f])
        case .maxPool, .averagePool, .globalAveragePool, .softmax, .activation, .reduceMean:
            return Signature(inputs: [f], outputs: [f])
        case .binary: return Signature(inputs: [a, a], outputs: [a])
        case .transpose, .slice, .expand, .copy: return Signature(inputs: [a], outputs: [a])
        case .gather: return Signature(inputs: [a, (.integer, true)], outputs: [a])
        case .concat: return Signature(inputs: [], outputs: [a], variadicInputs: true)
        case .fill: return Signature(inputs: [], outputs: [(.free, true)])
        case .cast: return Signature(inputs: [(.free, true)], outputs: [(.free, true)])
        case .materialize: return Signature(inputs: [], outputs: [(.integer, true)])
        }
    }

    private static func validateOps(_ plan: Plan) throws(EngineError) {
        var written = [Bool](repeating: false, count: plan.tensors.count)
        func available(_ tensor: Int) -> Bool {
            switch plan.tensors[tensor].storage {
            case .input, .constant: return true
            case .computed: return written[tensor]
            case .alias(let root): return available(root)
            }
        }
        for (index, op) in plan.ops.enumerated() {
            let where_ = "op \(index) (\(op.kind.name) from \(op.origin))"
            let all = op.inputs + op.outputs
            guard all.allSatisfy({ $0.map { plan.tensors.indices.contains($0) } ?? true }) else {
                throw fail("\(where_) refers to a missing tensor")
            }
            let signature = signature(op.kind)
            var dataClass: Bool? = nil
            func check(_ tensor: Int?, _ slot: (Slot, required: Bool)) throws(EngineError) {
                guard let tensor else {
                    if slot.required { throw fail("\(where_) lacks a required operand") }
                    return
                }
                let isFloat = plan.tensors[tensor].type.isFloat
                switch slot.0 {
                case .float: guard isFloat else { throw fail("\(where_) needs a float operand") }
                case .integer: guard !isFloat else { throw fail("\(where_) needs an integer operand") }
                case .any:
                    if let dataClass, dataClass != isFloat { throw fail("\(where_) mixes float and integer operands") }
                    dataClass = isFloat
                case .free: break
                }
            }
            if signature.variadicInputs {
                guard !op.inputs.isEmpty, op.inputs.allSatisfy({ $0 != nil }) else { throw fail("\(where_) has a missing input") }
                for input in op.inputs { try check(input, (.any, true)) }
            } else {
                guard op.inputs.count <= signature.inputs.count else { throw fail("\(where_) has too many inputs") }
                for (position, slot) in signature.inputs.enumerated() { try check(op.input(position), slot) }
            }
            guard op.outputs.count <= signature.outputs.count, op.outputs.contains(where: { $0 != nil }) else {
                throw fail("\(where_) has a wrong number of outputs")
            }
            for (position, slot) in signature.outputs.enumerated() { try check(op.output(position), slot) }
            for case let input? in op.inputs where !available(input) {
                throw fail("\(where_) reads tensor \(input) before it is written")
            }
            let distinct = op.outputs.compactMap { $0 }
            guard Set(distinct).count == distinct.count else { throw fail("\(where_) writes a tensor twice") }
            for output in distinct {
                guard plan.tensors[output].storage == .computed, !written[output] else {
                    throw fail("\(where_) writes tensor \(output), which is not a fresh computed tensor")
                }
                guard !op.inputs.contains(output) else { throw fail("\(where_) reads its own output") }
                written[output] = true
            }
            switch op.kind {
            case .slice(_, let starts, _), .materialize(let starts):
                guard starts.allSatisfy({ $0.index >= 0 && $0.index < plan.dims.count }) else {
                    throw fail("\(where_) refers to a missing dim value")
                }
            default: break
            }
        }
        for binding in plan.outputs where !available(binding.tensor) {
            throw fail("output '\(binding.signature.name)' is never written")
        }
    }
}
