/// A validated plan plus what every run needs and no run changes: storage roots, lifetimes, the weight base.
package final class PreparedPlan: Sendable {
    package let plan: Plan
    package let file: MappedFile
    package let weightsOffset: Int
    /// The tensor whose bytes each tensor uses (itself unless it is an alias).
    package let roots: [Int]
    /// Per root tensor: index of the op that writes it (-1 for inputs), and of the last op that reads it or any
    /// alias of it (`ops.count` when a graph output needs it after the last op).
    package let firstUse: [Int]
    package let lastUse: [Int]
    /// Where each tensor's dimensions start in a run's flattened shape storage.
    package let shapeOffsets: [Int]
    package let shapeStorageCount: Int

    package init(_ loaded: PlanFile.Loaded, file: MappedFile) {
        let plan = loaded.plan
        self.plan = plan
        self.file = file
        weightsOffset = loaded.weightsOffset
        let roots = plan.tensors.indices.map { index -> Int in
            if case .alias(let root) = plan.tensors[index].storage { return root }
            return index
        }
        var first = [Int](repeating: -1, count: plan.tensors.count)
        var last = [Int](repeating: -1, count: plan.tensors.count)
        for (index, op) in plan.ops.enumerated() {
            for case let output? in op.outputs {
                first[roots[output]] = index
                last[roots[output]] = max(last[roots[output]], index)
            }
            for case let input? in op.inputs { last[roots[input]] = max(last[roots[input]], index) }
        }
        for binding in plan.outputs { last[roots[binding.tensor]] = plan.ops.count }
        var offsets: [Int] = []
        var total = 0
        for tensor in plan.tensors {
            offsets.append(total)
            total += tensor.rank
        }
        self.roots = roots
        firstUse = first
        lastUse = last
        shapeOffsets = offsets
        shapeStorageCount = total
    }

    package var weights: UnsafeRawPointer { file.base + weightsOffset }
}
