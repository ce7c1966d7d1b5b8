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
    /// The same shapes as plain numbers, so a run reads them without copying a tensor's name and shape arrays
    /// (47 retains a run of the suite's model): per tensor its rank and element size, and per axis, in
    /// `shapeOffsets` order, the index of the dim it takes.
    package let ranks: [Int]
    package let elementSizes: [Int]
    package let shapeDims: [Int]
    /// The tensors whose shapes a run checks: inputs (must come out as given) and aliases (as big as their root).
    package let checkedTensors: [(index: Int, storage: PlanTensor.Storage)]

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
        ranks = plan.tensors.map(\.rank)
        elementSizes = plan.tensors.map { $0.type.storageSize }
        shapeDims = plan.tensors.flatMap { $0.shape.map(\.index) }
        checkedTensors = plan.tensors.enumerated().compactMap { index, tensor in
            switch tensor.storage {
            case .input, .alias: (index, tensor.storage)
            case .constant, .computed: nil
            }
        }
        self.roots = roots
        firstUse = first
        lastUse = last
        shapeOffsets = offsets
        shapeStorageCount = total
    }

    package var weights: UnsafeRawPointer { file.base + weightsOffset }
}
