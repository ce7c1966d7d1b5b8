/// A model compiled to the engine's native plan: what registration produces and stores as a `.maas` file.
///
/// Compiled from a file, it keeps that file mapped while it lives: its weights are read from the mapping
/// when the plan is written, not copied before.
public struct CompiledModel: Sendable {
    public var inputs: [TensorSignature]
    public var outputs: [TensorSignature]
    public var metadata: [String: String]
    package var compiled: CompiledPlan

    package init(_ compiled: CompiledPlan) {
        self.compiled = compiled
        inputs = compiled.plan.inputs.map(\.signature)
        outputs = compiled.plan.outputs.map(\.signature)
        metadata = compiled.plan.metadata
    }

    /// The plan with `metadata` as it is now.
    private var current: CompiledPlan {
        var compiled = compiled
        compiled.plan.metadata = metadata
        return compiled
    }

    /// The native `.maas` file bytes (with `metadata` as it is now).
    public func serialized() -> [UInt8] {
        PlanFile.serialize(current)
    }

    /// Writes the `.maas` file to `path` (created or replaced) and fsyncs it. The weights stream into the file
    /// a chunk at a time, so writing costs little memory beyond the largest packed recurrent weight.
    public func write(toFileAt path: String) throws(EngineError) {
        try PlanFile.write(current, to: path)
    }
}
