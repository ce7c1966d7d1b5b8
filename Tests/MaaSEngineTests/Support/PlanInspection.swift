import MaaSEngine

extension CompiledModel {
    var plan: Plan { compiled.plan }

    /// The plan's op kinds by name, in execution order.
    var opNames: [String] { compiled.plan.ops.map(\.kind.name) }
}
