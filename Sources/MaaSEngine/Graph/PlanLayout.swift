/// Lays the compiler's constant data out into the weight section: each constant 64-byte aligned,
/// little-endian float32 or int64, in constant-index order.
package enum PlanLayout {
    package static func finish(_ plan: Plan, constants: [ConstantTensor]) throws(EngineError) -> CompiledPlan {
        var plan = plan
        var entries: [PlanConstant] = []
        var size = 0
        for constant in constants {
            size = PlanFileLayout.aligned(size)
            entries.append(PlanConstant(offset: size, byteCount: constant.byteCount))
            size += constant.byteCount
        }
        var weights = [UInt8](repeating: 0, count: PlanFileLayout.aligned(size))
        weights.withUnsafeMutableBytes { raw in
            guard let base = raw.baseAddress else { return }
            for (entry, constant) in zip(entries, constants) where entry.byteCount > 0 {
                // The host is little-endian (x86-64, arm64), so in-memory bytes are the file format.
                switch constant.storage {
                case .floats(let values):
                    values.withUnsafeBytes { (base + entry.offset).copyMemory(from: $0.baseAddress!, byteCount: $0.count) }
                case .ints(let values):
                    values.withUnsafeBytes { (base + entry.offset).copyMemory(from: $0.baseAddress!, byteCount: $0.count) }
                }
            }
        }
        plan.constants = entries
        return CompiledPlan(plan: plan, weights: weights)
    }
}
