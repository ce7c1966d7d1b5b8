/// A plan together with its weight section, as the compiler produces it and the plan file stores it.
package struct CompiledPlan: Sendable {
    package var plan: Plan
    /// The weight section: every constant at the 64-byte aligned offset `plan.constants` gives it.
    package var weights: [UInt8]

    package init(plan: Plan, weights: [UInt8]) {
        self.plan = plan
        self.weights = weights
    }
}
