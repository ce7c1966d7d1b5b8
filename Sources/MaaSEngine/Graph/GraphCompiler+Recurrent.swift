/// LSTM and GRU: constant weights are checked against the input and hidden sizes and packed for the kernels
/// once, here; only the packed block goes into the plan.
extension GraphCompiler {
    private struct RecurrentSetup {
        var parameters: RecurrentParameters
        var x: Operand
        var steps: DimRef
        var batch: DimRef
        var directions: Int
    }

    /// Attributes and input checks shared by LSTM (`gates` 4) and GRU (`gates` 3).
    private mutating func recurrentSetup(
        _ context: NodeContext, gates: Int, defaultActivations: [String]
    ) throws(EngineError) -> RecurrentSetup {
        let x = try requiredFloat(context, 0, "X")
        guard x.rank == 3 else { throw context.invalid("X must be 3-D, got rank \(x.rank)") }
        let direction: RecurrentDirection
        switch try context.string("direction", default: "forward") {
        case "forward": direction = .forward
        case "reverse": direction = .reverse
        case "bidirectional": direction = .bidirectional
        case let other: throw context.invalid("direction '\(other)' is not forward, reverse or bidirectional")
        }
        let directions = direction.count
        if let activations = try context.strings("activations") {
            let expected = Array([[String]](repeating: defaultActivations, count: directions).joined())
            guard activations.map({ $0.lowercased() }) == expected.map({ $0.lowercased() }) else {
                throw context.unsupported("activations \(activations) are not supported; only the defaults \(expected) are")
            }
        }
        let layoutValue = context.opset >= 14 ? try context.int("layout", default: 0) : 0
        guard let layout = RecurrentLayout(rawValue: layoutValue) else { throw context.invalid("layout \(layoutValue) is not 0 or 1") }
        guard let r = try required(context, 2, "R").constant, r.type == .float32, r.shape.count == 3 else {
            throw context.unsupported("R must be a constant float tensor [directions, \(gates)·hidden, hidden]")
        }
        let hidden = try context.int("hidden_size") ?? r.shape[2]
        guard let w = try required(context, 1, "W").constant, w.shape.count == 3, w.shape[2] > 0 else {
            throw context.unsupported("W must be a constant float tensor [directions, \(gates)·hidden, input]")
        }
        let inputSize = w.shape[2]
        _ = try builder.dims.equal(x.shape[2], builder.dims.constant(inputSize), site: "\(context.name): input size of X")
        guard hidden > 0, hidden < 1 << 24, r.shape == [directions, gates * hidden, hidden] else {
            throw context.invalid("R has shape \(r.shape), expected [\(directions), \(gates * hidden), \(hidden)]")
        }
        var parameters = RecurrentParameters(
            inputSize: inputSize, hiddenSize: hidden, direction: direction, layout: layout, clip: try context.float("clip"))
        if let clip = parameters.clip, !(clip > 0) { parameters.clip = nil }
        let steps = layout == .timeMajor ? x.shape[0] : x.shape[1]
        let batch = layout == .timeMajor ? x.shape[1] : x.shape[0]
        return RecurrentSetup(parameters: parameters, x: x, steps: steps, batch: batch, directions: directions)
    }

    private mutating func constantWeight(
        _ context: NodeContext, _ position: Int, _ what: String, shape: [Int], required: Bool
    ) throws(EngineError) -> ConstantTensor? {
        guard let operand = try operand(context, position) else {
            if required { throw context.invalid("missing input \(what)") }
            return nil
        }
        guard let constant = operand.constant, constant.holdsFloats else {
            throw context.unsupported("\(what) must be a constant float tensor")
        }
        guard constant.shape == shape, constant.count == ElementCount.of(shape) else {
            throw context.invalid("\(what) has shape \(constant.shape), expected \(shape)")
        }
        return constant
    }

    /// Optional state input [D, B, H] (layout 0) or [B, D, H] (layout 1), checked against X.
    private mutating func stateInput(_ context: NodeContext, _ position: Int, _ setup: RecurrentSetup) throws(EngineError) -> Operand? {
        guard let state = try operand(context, position) else { return nil }
        guard state.type == .float32, state.rank == 3 else { throw context.invalid("initial state must be a 3-D float tensor") }
        let expected = stateShape(setup)
        for axis in 0..<3 {
            _ = try builder.dims.equal(state.shape[axis], expected[axis], site: "\(context.name): initial state axis \(axis)")
        }
        return state
    }

    private mutating func stateShape(_ setup: RecurrentSetup) -> [DimRef] {
        let d = builder.dims.constant(setup.directions), h = builder.dims.constant(setup.parameters.hiddenSize)
        return setup.parameters.layout == .timeMajor ? [d, setup.batch, h] : [setup.batch, d, h]
    }

    private mutating func outputShape(_ setup: RecurrentSetup) -> [DimRef] {
        let d = builder.dims.constant(setup.directions), h = builder.dims.constant(setup.parameters.hiddenSize)
        return setup.parameters.layout == .timeMajor
            ? [setup.steps, d, setup.batch, h] : [setup.batch, setup.steps, d, h]
    }

    private mutating func sequenceLengths(_ context: NodeContext, _ setup: RecurrentSetup) throws(EngineError) -> Operand? {
        guard let lengths = try operand(context, 4) else { return nil }
        guard !lengths.type.isFloat, lengths.rank == 1 else { throw context.invalid("sequence_lens must be a 1-D integer tensor") }
        _ = try builder.dims.equal(lengths.shape[0], setup.batch, site: "\(context.name): sequence_lens length")
        return lengths
    }

    mutating func lowerLSTM(_ context: NodeContext) throws(EngineError) {
        var setup = try recurrentSetup(context, gates: 4, defaultActivations: ["Sigmoid", "Tanh", "Tanh"])
        let d = setup.directions, h = setup.parameters.hiddenSize, i = setup.parameters.inputSize
        let w = try constantWeight(context, 1, "W", shape: [d, 4 * h, i], required: true)!
        let r = try constantWeight(context, 2, "R", shape: [d, 4 * h, h], required: true)!
        let b = try constantWeight(context, 3, "B", shape: [d, 8 * h], required: false)
        let p = try constantWeight(context, 7, "P", shape: [d, 3 * h], required: false)
        setup.parameters.hasPeepholes = p != nil
        setup.parameters.inputForget = try context.int("input_forget", default: 0) != 0
        let dims = LSTMKernel.Dims(
            sequenceLength: 0, batchSize: 0, inputSize: i, hiddenSize: h, direction: setup.parameters.direction,
            layout: setup.parameters.layout, hasPeepholes: p != nil, clip: setup.parameters.clip,
            inputForget: setup.parameters.inputForget)
        // Packed as the plan is written (`DerivedFloats`), so the compiler never holds a second copy.
        let packed = DerivedFloats.lstm(w: w, r: r, b: b, p: p, dims: dims)
        let weights = syntheticConstant(
            ConstantTensor(derived: packed, shape: [packed.count]), base: "\(context.node.inputs[1]):lstm-packed")
        let inputs: [Operand?] = [
            setup.x, weights, try sequenceLengths(context, setup), try stateInput(context, 5, setup),
            try stateInput(context, 6, setup),
        ]
        try emitRecurrent(.lstm(setup.parameters), context, setup, inputs: inputs, outputCount: 3)
    }

    mutating func lowerGRU(_ context: NodeContext) throws(EngineError) {
        var setup = try recurrentSetup(context, gates: 3, defaultActivations: ["Sigmoid", "Tanh"])
        let d = setup.directions, h = setup.parameters.hiddenSize, i = setup.parameters.inputSize
        let w = try constantWeight(context, 1, "W", shape: [d, 3 * h, i], required: true)!
        let r = try constantWeight(context, 2, "R", shape: [d, 3 * h, h], required: true)!
        let b = try constantWeight(context, 3, "B", shape: [d, 6 * h], required: false)
        setup.parameters.linearBeforeReset = try context.int("linear_before_reset", default: 0) != 0
        let dims = GRUKernel.Dims(
            sequenceLength: 0, batchSize: 0, inputSize: i, hiddenSize: h, direction: setup.parameters.direction,
            layout: setup.parameters.layout, linearBeforeReset: setup.parameters.linearBeforeReset,
            clip: setup.parameters.clip)
        let packed = DerivedFloats.gru(w: w, r: r, b: b, dims: dims)
        let weights = syntheticConstant(
            ConstantTensor(derived: packed, shape: [packed.count]), base: "\(context.node.inputs[1]):gru-packed")
        let inputs: [Operand?] = [
            setup.x, weights, try sequenceLengths(context, setup), try stateInput(context, 5, setup),
        ]
        try emitRecurrent(.gru(setup.parameters), context, setup, inputs: inputs, outputCount: 2)
    }

    private mutating func emitRecurrent(
        _ kind: PlanOpKind, _ context: NodeContext, _ setup: RecurrentSetup, inputs: [Operand?], outputCount: Int
    ) throws(EngineError) {
        let y = outputShape(setup), state = stateShape(setup)
        let outputs: [(DataType, [DimRef])?] = (0..<outputCount).map { position in
            context.output(position) == nil ? nil : (.float32, position == 0 ? y : state)
        }
        let results = try emit(kind, origin: context.name, inputs: inputs, outputs: outputs, fold: false)
        for (position, result) in results.enumerated() { define(context, position, result) }
    }
}
