/// A model compiled to the engine's native plan: what registration produces and stores as a `.maas` file.
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

    /// The native `.maas` file bytes (with `metadata` as it is now).
    public func serialized() -> [UInt8] {
        var compiled = compiled
        compiled.plan.metadata = metadata
        return PlanFile.serialize(compiled)
    }

    /// Writes the `.maas` file to `path` (created or replaced) and fsyncs it.
    public func write(toFileAt path: String) throws(EngineError) {
        try PlanFile.write(serialized(), to: path)
    }
}
