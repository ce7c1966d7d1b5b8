/// One step of a plan: an operator kind with its resolved parameters, and the tensors it reads and writes.
///
/// Operand positions are fixed per kind (`nil` marks an omitted optional operand), so liveness, validation
/// and serialization treat every op alike.
package struct PlanOp: Sendable, Equatable {
    package var kind: PlanOpKind
    package var inputs: [Int?]
    package var outputs: [Int?]
    /// The ONNX node this op came from, for error messages (`LSTM node 'lstm_1'`).
    package var origin: String

    package init(_ kind: PlanOpKind, inputs: [Int?], outputs: [Int?], origin: String) {
        self.kind = kind
        self.inputs = inputs
        self.outputs = outputs
        self.origin = origin
    }

    package func input(_ position: Int) -> Int? {
        position < inputs.count ? inputs[position] : nil
    }

    package func output(_ position: Int) -> Int? {
        position < outputs.count ? outputs[position] : nil
    }
}
