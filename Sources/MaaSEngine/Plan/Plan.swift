/// A compiled model: what the compiler produces, what the plan file stores, and what the executor runs.
package struct Plan: Sendable, Equatable {
    package var dims: DimProgram
    package var tensors: [PlanTensor]
    package var ops: [PlanOp]
    package var inputs: [PlanBinding]
    package var outputs: [PlanBinding]
    package var constants: [PlanConstant]
    package var metadata: [String: String]
    package var summary: PlanSummary

    package init(
        dims: DimProgram, tensors: [PlanTensor], ops: [PlanOp], inputs: [PlanBinding], outputs: [PlanBinding],
        constants: [PlanConstant], metadata: [String: String], summary: PlanSummary
    ) {
        self.dims = dims
        self.tensors = tensors
        self.ops = ops
        self.inputs = inputs
        self.outputs = outputs
        self.constants = constants
        self.metadata = metadata
        self.summary = summary
    }
}

/// What `maas inspect` reports about where a plan came from.
package struct PlanSummary: Sendable, Equatable {
    /// Operator counts of the source graph (ONNX op types), before folding and fusion.
    package var sourceOperatorCounts: [String: Int]
    package var parameterCount: Int
    package var producer: String
    package var opsetVersion: Int

    package init(sourceOperatorCounts: [String: Int] = [:], parameterCount: Int = 0, producer: String = "",
                 opsetVersion: Int = 0) {
        self.sourceOperatorCounts = sourceOperatorCounts
        self.parameterCount = parameterCount
        self.producer = producer
        self.opsetVersion = opsetVersion
    }
}
