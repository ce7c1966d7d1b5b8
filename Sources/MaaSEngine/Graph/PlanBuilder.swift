/// Accumulates the plan while the compiler lowers nodes: dim program, tensors, ops and constant data.
package struct PlanBuilder: Sendable {
    package var dims = DimProgramBuilder()
    package var tensors: [PlanTensor] = []
    package var ops: [PlanOp] = []
    /// Data of `.constant(index)` tensors, laid out into the weight section at the end.
    package var constantData: [ConstantTensor] = []

    package init() {}

    package mutating func addTensor(name: String, type: DataType, shape: [DimRef], storage: PlanTensor.Storage) -> Int {
        tensors.append(PlanTensor(name: name, type: type, shape: shape, storage: storage))
        return tensors.count - 1
    }

    package mutating func addConstant(_ value: ConstantTensor, name: String) -> Int {
        constantData.append(value)
        let shape = dims.constants(value.shape)
        return addTensor(name: name, type: value.type, shape: shape, storage: .constant(constantData.count - 1))
    }

    package mutating func addOp(_ kind: PlanOpKind, inputs: [Int?], outputs: [Int?], origin: String) {
        ops.append(PlanOp(kind, inputs: inputs, outputs: outputs, origin: origin))
    }
}
