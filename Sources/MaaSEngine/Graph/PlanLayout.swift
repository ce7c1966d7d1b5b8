/// Lays the compiler's constant data out into the weight section: each constant 64-byte aligned,
/// little-endian float32 or int64, in constant-index order. Nothing is copied here (see `WeightSection`).
package enum PlanLayout {
    package static func finish(_ plan: Plan, constants: [ConstantTensor]) throws(EngineError) -> CompiledPlan {
        var plan = plan
        let weights = WeightSection(constants)
        plan.constants = weights.layout
        return CompiledPlan(plan: plan, weights: weights)
    }
}
