extension PlanOptimizer {
    /// Conv (or a 2-D Dense) whose only reader is an inference BatchNormalization becomes one op with scaled
    /// weights and bias: y = (x·W + b)·m + o = x·(W·m) + (b·m + o), per output channel.
    static func foldBatchNorms(_ plan: inout Plan, constants: inout [ConstantTensor]) {
        let uses = useCounts(plan)
        let producer = producers(plan)
        var removed = Set<Int>()
        for (index, op) in plan.ops.enumerated() {
            guard case .batchNorm = op.kind, let x = op.input(0), let packed = op.input(1), let y = op.output(0),
                let source = producer[x], !removed.contains(source), uses[x] == 1,
                let folded = constantFloats(plan, constants, packed)
            else { continue }
            let channels = folded.count / 2
            let multipliers = Array(folded[..<channels]), offsets = Array(folded[channels...])
            let sourceOp = plan.ops[source]
            guard let weight = sourceOp.input(1), let weights = constantFloats(plan, constants, weight) else { continue }
            let weightShape = plan.dims.constantValues(plan.tensors[weight].shape) ?? []
            var scaled = weights
            switch sourceOp.kind {
            case .conv(_, _, .none):
                // W [M, C/group, k…]: every weight of output channel m scales by multiplier m.
                guard weightShape.first == channels else { continue }
                let perChannel = weights.count / channels
                for i in scaled.indices { scaled[i] *= multipliers[i / perChannel] }
            case .dense(.none) where plan.tensors[x].rank == 2:
                // W [K, N]: column n scales by multiplier n.
                guard weightShape.count == 2, weightShape[1] == channels else { continue }
                for i in scaled.indices { scaled[i] *= multipliers[i % channels] }
            default:
                continue
            }
            var bias = offsets
            if let b = sourceOp.input(2) {
                guard let values = constantFloats(plan, constants, b), values.count == channels else { continue }
                for c in 0..<channels { bias[c] = values[c] * multipliers[c] + offsets[c] }
            }
            let newWeight = addConstant(&plan, &constants, ConstantTensor(floats: scaled, shape: weightShape), like: weight)
            let newBias = addConstant(
                &plan, &constants, ConstantTensor(floats: bias, shape: [channels]), like: packed,
                shape: [constantRef(&plan, channels)])
            plan.ops[source].inputs = [sourceOp.inputs[0], newWeight, newBias]
            plan.ops[source].outputs = [y]
            removed.insert(index)
        }
        plan.ops = plan.ops.enumerated().filter { !removed.contains($0.offset) }.map(\.element)
    }

    /// A dim-program constant, reusing an existing instruction when there is one.
    private static func constantRef(_ plan: inout Plan, _ value: Int) -> DimRef {
        if let index = plan.dims.instructions.firstIndex(of: .constant(value)) { return DimRef(index) }
        plan.dims.instructions.append(.constant(value))
        return DimRef(plan.dims.count - 1)
    }

    private static func constantFloats(_ plan: Plan, _ constants: [ConstantTensor], _ tensor: Int) -> [Float]? {
        guard case .constant(let index) = plan.tensors[tensor].storage else { return nil }
        return constants[index].floats
    }

    private static func addConstant(
        _ plan: inout Plan, _ constants: inout [ConstantTensor], _ value: ConstantTensor, like tensor: Int,
        shape: [DimRef]? = nil
    ) -> Int {
        constants.append(value)
        plan.tensors.append(PlanTensor(
            name: plan.tensors[tensor].name + ":folded", type: .float32, shape: shape ?? plan.tensors[tensor].shape,
            storage: .constant(constants.count - 1)))
        return plan.tensors.count - 1
    }
}
