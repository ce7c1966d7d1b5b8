/// A plan together with its weight section, as the compiler produces it and the plan file stores it.
package struct CompiledPlan: Sendable {
    package var plan: Plan
    /// What goes into the weight section; its bytes are produced only when the plan is serialized or written.
    package var weights: WeightSection

    package init(plan: Plan, weights: WeightSection) {
        self.plan = plan
        self.weights = weights
    }
}
