/// Rewrites a freshly lowered plan: fuses bias Adds, BatchNormalizations and activations into the dense and
/// conv ops before them, drops everything no graph output depends on, and renumbers what is left.
package enum PlanOptimizer {
    package static func optimize(_ plan: inout Plan, constants: inout [ConstantTensor]) {
        fuseDenseBias(&plan, constants: &constants)
        foldBatchNorms(&plan, constants: &constants)
        fuseActivations(&plan)
        removeDeadOps(&plan)
        compact(&plan, constants: &constants)
    }

    /// How many readers each tensor has: op inputs, graph outputs, and aliases (whose readers are hidden).
    static func useCounts(_ plan: Plan) -> [Int] {
        var uses = [Int](repeating: 0, count: plan.tensors.count)
        for op in plan.ops { for case let input? in op.inputs { uses[input] += 1 } }
        for output in plan.outputs { uses[output.tensor] += 1 }
        for tensor in plan.tensors { if case .alias(let root) = tensor.storage { uses[root] += 1 } }
        return uses
    }

    /// The op index writing each tensor.
    static func producers(_ plan: Plan) -> [Int: Int] {
        var producer: [Int: Int] = [:]
        for (index, op) in plan.ops.enumerated() { for case let output? in op.outputs { producer[output] = index } }
        return producer
    }

    /// Dense(x, W) → Add(·, b) with a constant b of shape [N] (or [1, …, N]) becomes Dense(x, W, b).
    private static func fuseDenseBias(_ plan: inout Plan, constants: inout [ConstantTensor]) {
        let uses = useCounts(plan)
        let producer = producers(plan)
        var removed = Set<Int>()
        for (index, op) in plan.ops.enumerated() {
            guard case .binary(.add) = op.kind, let a = op.input(0), let b = op.input(1), let y = op.output(0) else { continue }
            for (product, bias) in [(a, b), (b, a)] {
                guard let source = producer[product], !removed.contains(source), uses[product] == 1,
                    case .dense(.none) = plan.ops[source].kind, plan.ops[source].input(2) == nil,
                    case .constant(let constantIndex) = plan.tensors[bias].storage,
                    let n = plan.tensors[product].shape.last, let columns = plan.dims.constant(n),
                    constants[constantIndex].count == columns, constants[constantIndex].type == .float32,
                    constants[constantIndex].shape.dropLast().allSatisfy({ $0 == 1 }),
                    constants[constantIndex].shape.count <= plan.tensors[product].rank,
                    plan.tensors[y].shape == plan.tensors[product].shape
                else { continue }
                var biasTensor = bias
                if constants[constantIndex].shape != [columns] {
                    var reshaped = constants[constantIndex]
                    reshaped.shape = [columns]
                    constants.append(reshaped)
                    plan.tensors.append(PlanTensor(
                        name: plan.tensors[bias].name, type: .float32, shape: [n], storage: .constant(constants.count - 1)))
                    biasTensor = plan.tensors.count - 1
                }
                plan.ops[source].inputs = [plan.ops[source].inputs[0], plan.ops[source].inputs[1], biasTensor]
                plan.ops[source].outputs = [y]
                removed.insert(index)
                break
            }
        }
        plan.ops = plan.ops.enumerated().filter { !removed.contains($0.offset) }.map(\.element)
    }

    /// Dense or Conv followed by its only reader, an activation, computes the activation in the same pass.
    private static func fuseActivations(_ plan: inout Plan) {
        let uses = useCounts(plan)
        let producer = producers(plan)
        var removed = Set<Int>()
        for (index, op) in plan.ops.enumerated() {
            guard case .activation(let activation) = op.kind, let x = op.input(0), let y = op.output(0),
                let source = producer[x], !removed.contains(source), uses[x] == 1
            else { continue }
            switch plan.ops[source].kind {
            case .dense(.none): plan.ops[source].kind = .dense(activation)
            case .conv(let window, let group, .none): plan.ops[source].kind = .conv(window, group: group, activation: activation)
            default: continue
            }
            plan.ops[source].outputs = [y]
            removed.insert(index)
        }
        plan.ops = plan.ops.enumerated().filter { !removed.contains($0.offset) }.map(\.element)
    }

    /// Keeps the ops some graph output depends on; unused optional outputs (an LSTM's Y_c) are dropped.
    private static func removeDeadOps(_ plan: inout Plan) {
        var live = [Bool](repeating: false, count: plan.tensors.count)
        func markLive(_ tensor: Int) {
            live[tensor] = true
            if case .alias(let root) = plan.tensors[tensor].storage { live[root] = true }
        }
        for output in plan.outputs { markLive(output.tensor) }
        var kept: [PlanOp] = []
        for var op in plan.ops.reversed() {
            guard op.outputs.contains(where: { $0.map { live[$0] } ?? false }) else { continue }
            op.outputs = op.outputs.map { $0.flatMap { live[$0] ? $0 : nil } }
            for case let input? in op.inputs { markLive(input) }
            kept.append(op)
        }
        plan.ops = kept.reversed()
    }

    /// Drops tensors and constants nothing refers to and renumbers the rest.
    private static func compact(_ plan: inout Plan, constants: inout [ConstantTensor]) {
        var used = [Bool](repeating: false, count: plan.tensors.count)
        for op in plan.ops {
            for case let tensor? in op.inputs + op.outputs { used[tensor] = true }
        }
        for binding in plan.inputs + plan.outputs { used[binding.tensor] = true }
        for (index, tensor) in plan.tensors.enumerated() where used[index] {
            if case .alias(let root) = tensor.storage { used[root] = true }
        }
        var newIndex = [Int](repeating: -1, count: plan.tensors.count)
        var tensors: [PlanTensor] = []
        var constantIndex: [Int: Int] = [:]
        var keptConstants: [ConstantTensor] = []
        for (index, var tensor) in plan.tensors.enumerated() where used[index] {
            switch tensor.storage {
            case .alias(let root): tensor.storage = .alias(newIndex[root])
            case .constant(let old):
                if constantIndex[old] == nil {
                    constantIndex[old] = keptConstants.count
                    keptConstants.append(constants[old])
                }
                tensor.storage = .constant(constantIndex[old]!)
            case .input, .computed: break
            }
            newIndex[index] = tensors.count
            tensors.append(tensor)
        }
        for index in plan.ops.indices {
            plan.ops[index].inputs = plan.ops[index].inputs.map { $0.map { newIndex[$0] } }
            plan.ops[index].outputs = plan.ops[index].outputs.map { $0.map { newIndex[$0] } }
        }
        for index in plan.inputs.indices { plan.inputs[index].tensor = newIndex[plan.inputs[index].tensor] }
        for index in plan.outputs.indices { plan.outputs[index].tensor = newIndex[plan.outputs[index].tensor] }
        plan.tensors = tensors
        constants = keptConstants
    }
}
