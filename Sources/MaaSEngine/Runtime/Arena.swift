import Glibc

/// The memory one run works in: evaluated dims, concrete shapes, and one buffer holding every intermediate
/// tensor and scratch block, laid out by lifetime. A loaded model keeps a few arenas and hands each run its
/// own, so concurrent runs never share one; a run whose dims match the previous run's reuses its layout.
package final class Arena: OpContext, @unchecked Sendable {
    // @unchecked: an arena is used by one run at a time (the pool hands it out exclusively).
    /// No run may need more than this; a hostile or absurd input shape gets an error, not an allocation.
    package static let maxBytes = 1 << 32

    package let prepared: PreparedPlan
    private let dimValues: UnsafeMutableBufferPointer<Int>
    private let shapes: UnsafeMutableBufferPointer<Int>
    // Unchecked exclusivity: only this class touches these, one run at a time, never while a kernel holds an
    // inout access to them; the dynamic checks cost about 2,000 instructions a run of the suite's model
    // (26 calls of swift_beginAccess, Benchmarks/profile/callgrind.sh). Array bounds checks stay.
    @exclusivity(unchecked) private var counts: [Int]
    @exclusivity(unchecked) private var offsets: [Int]
    @exclusivity(unchecked) private var scratchOffsets: [Int]
    @exclusivity(unchecked) private var buffer: UnsafeMutableRawPointer? = nil
    private var capacity = 0
    /// The evaluated dims the current layout was made for.
    private var layoutKey: [Int]? = nil
    package private(set) var scratch: UnsafeMutableRawPointer? = nil
    package private(set) var rowLengths: [Int]? = nil

    package init(_ prepared: PreparedPlan) {
        self.prepared = prepared
        dimValues = .allocate(capacity: max(prepared.plan.dims.count, 1))
        dimValues.initialize(repeating: 0)
        shapes = .allocate(capacity: max(prepared.shapeStorageCount, 1))
        shapes.initialize(repeating: 0)
        counts = [Int](repeating: 0, count: prepared.plan.tensors.count)
        offsets = [Int](repeating: 0, count: prepared.plan.tensors.count)
        scratchOffsets = [Int](repeating: -1, count: prepared.plan.ops.count)
    }

    deinit {
        dimValues.deallocate()
        shapes.deallocate()
        free(buffer)
    }

    // MARK: OpContext

    package func shape(_ tensor: Int) -> UnsafeBufferPointer<Int> {
        let start = prepared.shapeOffsets[tensor]
        return UnsafeBufferPointer(rebasing: shapes[start..<(start + prepared.plan.tensors[tensor].rank)])
    }

    package func bytes(_ tensor: Int) -> UnsafeMutableRawPointer {
        let root = prepared.roots[tensor]
        if case .constant(let index) = prepared.plan.tensors[root].storage {
            // Kernels never write their inputs, so handing out the read-only mapping as mutable is safe.
            return UnsafeMutableRawPointer(mutating: prepared.weights + prepared.plan.constants[index].offset)
        }
        return buffer! + offsets[root]
    }

    package func type(_ tensor: Int) -> DataType { prepared.plan.tensors[tensor].type }

    package func dim(_ ref: DimRef) -> Int { dimValues[ref.index] }

    // MARK: running

    package func run(_ inputs: [String: HostTensor], rowLengths: [Int]? = nil) throws(EngineError) -> [String: HostTensor] {
        self.rowLengths = rowLengths
        defer { self.rowLengths = nil }
        let plan = prepared.plan
        let hostInputs = try InputBinding.match(inputs, plan.inputs)
        try plan.dims.evaluate(
            into: dimValues, inputDim: { input, axis in hostInputs[input].shape[axis] },
            inputValue: { input, index in Int(clamping: hostInputs[input].int64s?[index] ?? 0) })
        try computeShapes(hostInputs)
        // Every shape and scratch size follows from the evaluated dims (input shapes, and the values of inputs
        // that feed shapes), so equal dims mean the previous layout still fits.
        let key = Array(dimValues[..<plan.dims.count])
        if key != layoutKey {
            try layOut()
            layoutKey = key
        }
        for (binding, host) in zip(plan.inputs, hostInputs) {
            let destination = bytes(binding.tensor)
            switch host.storage {
            case .float32(let values): values.withUnsafeBytes { copy($0, to: destination) }
            case .int64(let values): values.withUnsafeBytes { copy($0, to: destination) }
            }
        }
        // Ops are borrowed from the plan's storage, not copied (12 retains and releases a run of the suite's model).
        try plan.ops.withUnsafeBufferPointer { (ops) throws(EngineError) in
            for index in ops.indices {
                scratch = scratchOffsets[index] >= 0 ? buffer! + scratchOffsets[index] : nil
                try OpRunner.run(ops[index], in: self)
            }
        }
        scratch = nil
        var results: [String: HostTensor] = [:]
        for binding in plan.outputs {
            let tensor = binding.tensor
            let shape = Array(self.shape(tensor))
            let count = counts[tensor]
            if plan.tensors[tensor].type.isFloat {
                results[binding.signature.name] = HostTensor(
                    shape: shape, floats: Array(UnsafeBufferPointer(start: floats(tensor), count: count)))
            } else {
                results[binding.signature.name] = HostTensor(
                    shape: shape, int64s: Array(UnsafeBufferPointer(start: ints(tensor), count: count)))
            }
        }
        return results
    }

    private func copy(_ source: UnsafeRawBufferPointer, to destination: UnsafeMutableRawPointer) {
        guard let base = source.baseAddress, source.count > 0 else { return }
        destination.copyMemory(from: base, byteCount: source.count)
    }

    /// Concrete shapes and element counts of every tensor from the evaluated dims, with the checks that keep
    /// a damaged plan from sizing buffers wrongly: inputs must come out as given, aliases as big as their roots.
    private func computeShapes(_ hostInputs: [HostTensor]) throws(EngineError) {
        let ranks = prepared.ranks, elementSizes = prepared.elementSizes
        let shapeDims = prepared.shapeDims, shapeOffsets = prepared.shapeOffsets
        for index in 0..<ranks.count {
            let start = shapeOffsets[index]
            var count = 1
            for position in start..<(start + ranks[index]) {
                let value = dimValues[shapeDims[position]]
                guard value >= 0 else {
                    throw EngineError.invalidInput(
                        "tensor '\(prepared.plan.tensors[index].name)' would have negative dimension \(value)")
                }
                let product = count.multipliedReportingOverflow(by: value)
                guard !product.overflow, product.partialValue <= Self.maxBytes / elementSizes[index] else {
                    throw EngineError.invalidInput(
                        "tensor '\(prepared.plan.tensors[index].name)' would be too large for these input shapes")
                }
                count = product.partialValue
                shapes[position] = value
            }
            counts[index] = count
        }
        // Inputs and aliases: a few tensors, checked once their shapes are all known.
        for (index, tensor) in prepared.checkedTensors {
            switch tensor {
            case .input(let input):
                guard shape(index).elementsEqual(hostInputs[input].shape) else {
                    throw EngineError.invalidModel(
                        "plan is inconsistent: input '\(prepared.plan.tensors[index].name)' evaluates to another shape")
                }
            case .alias(let root):
                guard counts[root] == counts[index] else {
                    throw EngineError.invalidInput(
                        "'\(prepared.plan.tensors[index].name)' cannot view \(counts[root]) elements as shape \(Array(shape(index)))")
                }
            case .constant, .computed: break
            }
        }
    }

    /// Assigns arena offsets to every root tensor and scratch block and grows the buffer if needed.
    private func layOut() throws(EngineError) {
        let plan = prepared.plan
        var items: [ArenaLayout.Item] = []
        var owners: [(tensor: Int?, op: Int?)] = []
        for (index, tensor) in plan.tensors.enumerated() {
            switch tensor.storage {
            case .input, .computed:
                let first = prepared.firstUse[index]
                items.append(.init(
                    size: counts[index] * tensor.type.storageSize, first: first, last: max(prepared.lastUse[index], first)))
                owners.append((index, nil))
            case .constant, .alias: break
            }
        }
        for (index, op) in plan.ops.enumerated() {
            let bytes = OpRunner.scratchBytes(op, in: self)
            scratchOffsets[index] = -1
            guard bytes > 0 else { continue }
            items.append(.init(size: bytes, first: index, last: index))
            owners.append((nil, index))
        }
        let (placed, size) = ArenaLayout.place(items)
        guard size <= Self.maxBytes else {
            throw EngineError.invalidInput("these input shapes need \(size) bytes of working memory, more than the \(Self.maxBytes) allowed")
        }
        if size > capacity {
            var memory: UnsafeMutableRawPointer? = nil
            guard posix_memalign(&memory, PlanFileLayout.alignment, max(size, 64)) == 0, let memory else {
                throw EngineError.internalError("cannot allocate \(size) bytes of working memory")
            }
            free(buffer)
            buffer = memory
            capacity = size
        }
        if buffer == nil {
            var memory: UnsafeMutableRawPointer? = nil
            guard posix_memalign(&memory, PlanFileLayout.alignment, 64) == 0 else {
                throw EngineError.internalError("cannot allocate working memory")
            }
            buffer = memory
            capacity = 64
        }
        for (owner, offset) in zip(owners, placed) {
            if let tensor = owner.tensor { offsets[tensor] = offset }
            if let op = owner.op { scratchOffsets[op] = offset }
        }
    }
}
