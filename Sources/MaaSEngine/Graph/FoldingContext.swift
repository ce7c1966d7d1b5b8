/// Runs one op on constant inputs at compile time, through the same `OpRunner` code the executor uses,
/// so a folded subgraph computes exactly what it would have computed at run time.
final class FoldingContext: OpContext {
    /// Constant folding never sees padded rows.
    var rowLengths: [Int]? { nil }

    private var buffers: [UnsafeMutableRawPointer] = []
    private var shapes: [UnsafeMutableBufferPointer<Int>] = []
    private var types: [DataType] = []
    private let program: DimProgram

    private init(program: DimProgram) {
        self.program = program
    }

    deinit {
        for buffer in buffers { buffer.deallocate() }
        for shape in shapes { shape.deallocate() }
    }

    /// Ops that need scratch or pack weights are never folded (a constant LSTM is not a thing exporters emit);
    /// ops whose parameters reference dim values fold only when those are static.
    static func canFold(_ kind: PlanOpKind, dims: DimProgramBuilder) -> Bool {
        switch kind {
        case .lstm, .gru, .conv, .batchNorm, .maxPool, .averagePool: return false
        case .slice(_, let starts, _): return dims.constantValues(starts) != nil
        case .materialize(let refs): return dims.constantValues(refs) != nil
        default: return true
        }
    }

    func shape(_ tensor: Int) -> UnsafeBufferPointer<Int> { UnsafeBufferPointer(shapes[tensor]) }
    func bytes(_ tensor: Int) -> UnsafeMutableRawPointer { buffers[tensor] }
    func type(_ tensor: Int) -> DataType { types[tensor] }
    func dim(_ ref: DimRef) -> Int { program.constant(ref) ?? 0 }
    var scratch: UnsafeMutableRawPointer? { nil }

    private func add(type: DataType, shape: [Int]) -> Int {
        let count = shape.reduce(1, *)
        buffers.append(UnsafeMutableRawPointer.allocate(byteCount: max(count * type.storageSize, 8), alignment: 64))
        let shapeBuffer = UnsafeMutableBufferPointer<Int>.allocate(capacity: shape.count)
        _ = shapeBuffer.initialize(from: shape)
        shapes.append(shapeBuffer)
        types.append(type)
        return buffers.count - 1
    }

    static func evaluate(
        _ template: PlanOp, inputs: [ConstantTensor?], outputs: [(DataType, [Int])?], dims: DimProgram
    ) throws(EngineError) -> [ConstantTensor?] {
        let context = FoldingContext(program: dims)
        var op = template
        op.inputs = inputs.map { input in
            guard let input else { return nil }
            let index = context.add(type: input.type, shape: input.shape)
            // Run-time buffers hold exactly the weight section's format, so the plan bytes are the buffer's.
            input.write(into: context.bytes(index))
            return index
        }
        op.outputs = outputs.map { output in output.map { context.add(type: $0.0, shape: $0.1) } }
        try OpRunner.run(op, in: context)
        return zip(op.outputs, outputs).map { index, output in
            guard let index, let (type, shape) = output else { return nil }
            let count = shape.reduce(1, *)
            if type.isFloat {
                return ConstantTensor(floats: Array(UnsafeBufferPointer(start: context.floats(index), count: count)), shape: shape)
            }
            return ConstantTensor(ints: Array(UnsafeBufferPointer(start: context.ints(index), count: count)), shape: shape, type: type)
        }
    }
}
