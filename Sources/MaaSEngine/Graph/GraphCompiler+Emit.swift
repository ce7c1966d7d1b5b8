extension GraphCompiler {
    /// Folded results larger than this stay run-time ops, so an Expand of a constant cannot bloat the plan.
    static let maxFoldedElements = 1 << 20

    // MARK: operands

    /// Input `position` of the node, or nil when omitted.
    package func operand(_ context: NodeContext, _ position: Int) throws(EngineError) -> Operand? {
        guard position < context.node.inputs.count else { return nil }
        let name = context.node.inputs[position]
        guard !name.isEmpty else { return nil }
        guard let value = values[name] else { throw context.invalid("input '\(name)' is undefined") }
        return Operand(name, value)
    }

    package func required(_ context: NodeContext, _ position: Int, _ what: String) throws(EngineError) -> Operand {
        guard let operand = try operand(context, position) else { throw context.invalid("missing input \(what)") }
        return operand
    }

    package func requiredFloat(_ context: NodeContext, _ position: Int, _ what: String) throws(EngineError) -> Operand {
        let operand = try required(context, position, what)
        guard operand.type == .float32 else {
            throw context.unsupported("input \(what) has element type \(operand.type.name); only float32 is supported here")
        }
        return operand
    }

    /// Records the node's output `position` (if the node names it).
    package mutating func define(_ context: NodeContext, _ position: Int, _ value: SymbolicValue?) {
        guard let name = context.output(position), let value else { return }
        values[name] = value
    }

    // MARK: integer values known at compile time

    /// The elements of a small integer tensor as dim refs (constants or dim-program values), or nil if its
    /// values are only known at run time.
    package mutating func dimValues(_ operand: Operand) -> [DimRef]? {
        switch operand.value.content {
        case .dims(let refs): return refs
        case .constant(let constant):
            guard let ints = constant.ints, ints.count <= 4096 else { return nil }
            return ints.map { builder.dims.constant(Int(clamping: $0)) }
        case .tensor(let index): return inputValues[index]
        }
    }

    /// Like `dimValues` but every element must be a compile-time constant.
    package mutating func constantInts(_ operand: Operand) -> [Int]? {
        guard let refs = dimValues(operand) else { return nil }
        return builder.dims.constantValues(refs)
    }

    /// A value whose elements are dim refs; collapses to a plain constant when every ref is static.
    package mutating func dimsValue(type: DataType, shape: [DimRef], refs: [DimRef]) -> SymbolicValue {
        if let constants = builder.dims.constantValues(refs), let staticShape = builder.dims.constantValues(shape) {
            return SymbolicValue(
                type: type, shape: shape,
                content: .constant(ConstantTensor(ints: constants.map(Int64.init), shape: staticShape, type: type)))
        }
        return SymbolicValue(type: type, shape: shape, content: .dims(refs))
    }

    // MARK: plan tensors

    /// The plan tensor holding `operand`, created on first use for constants and dim values.
    package mutating func materialize(_ operand: Operand) -> Int {
        switch operand.value.content {
        case .tensor(let index): return index
        case .constant(let constant):
            if let index = materialized[operand.name] { return index }
            let index = builder.addConstant(constant, name: operand.name)
            materialized[operand.name] = index
            return index
        case .dims(let refs):
            if let index = materialized[operand.name] { return index }
            let index = builder.addTensor(name: operand.name, type: operand.type, shape: operand.shape, storage: .computed)
            builder.addOp(.materialize(refs), inputs: [], outputs: [index], origin: "value '\(operand.name)'")
            materialized[operand.name] = index
            return index
        }
    }

    /// Adds a constant that no ONNX value names (packed weights, transposed Gemm weights).
    package mutating func syntheticConstant(_ constant: ConstantTensor, base: String) -> Operand {
        let name = synthesizedName(base)
        let value = SymbolicValue(type: constant.type, shape: builder.dims.constants(constant.shape), content: .constant(constant))
        return Operand(name, value)
    }

    /// The same data seen with another shape (Reshape, Squeeze, Unsqueeze, Flatten, Identity): no op, no copy.
    package mutating func alias(_ operand: Operand, shape: [DimRef], name: String) -> SymbolicValue {
        switch operand.value.content {
        case .constant(var constant):
            if let staticShape = builder.dims.constantValues(shape) {
                constant.shape = staticShape
                return SymbolicValue(type: operand.type, shape: shape, content: .constant(constant))
            }
            // A constant reshaped to a symbolic shape (possible only with zero elements): keep it at run time.
            return aliasTensor(materialize(operand), type: operand.type, shape: shape, name: name)
        case .dims(let refs):
            return SymbolicValue(type: operand.type, shape: shape, content: .dims(refs))
        case .tensor(let index):
            return aliasTensor(index, type: operand.type, shape: shape, name: name)
        }
    }

    private mutating func aliasTensor(_ index: Int, type: DataType, shape: [DimRef], name: String) -> SymbolicValue {
        var root = index
        if case .alias(let target) = builder.tensors[index].storage { root = target }
        let tensor = builder.addTensor(name: name, type: type, shape: shape, storage: .alias(root))
        return SymbolicValue(type: type, shape: shape, content: .tensor(tensor))
    }

    // MARK: ops

    /// Emits `kind`, or evaluates it now when every input is known and every output shape is static.
    /// `outputs` entries are nil for optional outputs the node does not produce.
    package mutating func emit(
        _ kind: PlanOpKind, origin: String, inputs: [Operand?], outputs: [(DataType, [DimRef])?], fold: Bool = true
    ) throws(EngineError) -> [SymbolicValue?] {
        if fold, let folded = try evaluateNow(kind, origin: origin, inputs: inputs, outputs: outputs) {
            return folded
        }
        let inputTensors = inputs.map { $0.map { materialize($0) } }
        var results: [SymbolicValue?] = []
        var outputTensors: [Int?] = []
        for output in outputs {
            guard let (type, shape) = output else {
                results.append(nil)
                outputTensors.append(nil)
                continue
            }
            let tensor = builder.addTensor(name: synthesizedName(origin), type: type, shape: shape, storage: .computed)
            outputTensors.append(tensor)
            results.append(SymbolicValue(type: type, shape: shape, content: .tensor(tensor)))
        }
        builder.addOp(kind, inputs: inputTensors, outputs: outputTensors, origin: origin)
        return results
    }

    package mutating func emit(
        _ kind: PlanOpKind, _ context: NodeContext, inputs: [Operand?], output: (DataType, [DimRef]), fold: Bool = true
    ) throws(EngineError) -> SymbolicValue {
        try emit(kind, origin: context.name, inputs: inputs, outputs: [output], fold: fold)[0]!
    }

    private mutating func evaluateNow(
        _ kind: PlanOpKind, origin: String, inputs: [Operand?], outputs: [(DataType, [DimRef])?]
    ) throws(EngineError) -> [SymbolicValue?]? {
        var constants: [ConstantTensor?] = []
        for input in inputs {
            guard let input else {
                constants.append(nil)
                continue
            }
            switch input.value.content {
            case .constant(let constant): constants.append(constant)
            case .dims, .tensor: return nil
            }
        }
        var shapes: [[Int]?] = []
        for output in outputs {
            guard let output else {
                shapes.append(nil)
                continue
            }
            guard let shape = builder.dims.constantValues(output.1), let count = ElementCount.of(shape), count <= Self.maxFoldedElements else {
                return nil
            }
            shapes.append(shape)
        }
        guard FoldingContext.canFold(kind, dims: builder.dims) else { return nil }
        let results: [ConstantTensor?]
        do {
            results = try FoldingContext.evaluate(
                PlanOp(kind, inputs: [], outputs: [], origin: origin), inputs: constants,
                outputs: zip(outputs, shapes).map { output, shape in output.map { ($0.0, shape!) } }, dims: builder.dims.program)
        } catch {
            // Constant inputs that make an op fail (an index out of range…) are the model's fault.
            throw EngineError.invalidModel(error.message)
        }
        return zip(outputs, results).map { output, result in
            guard let output, let result else { return nil }
            return SymbolicValue(type: output.0, shape: output.1, content: .constant(result))
        }
    }
}
