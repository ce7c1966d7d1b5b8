extension GraphCompiler {
    mutating func lowerBinary(_ context: NodeContext, _ operation: BinaryOperator) throws(EngineError) {
        let a = try required(context, 0, "A"), b = try required(context, 1, "B")
        guard a.type == b.type else {
            throw context.invalid("operand types differ (\(a.type.name) and \(b.type.name))")
        }
        guard a.type != .bool else { throw context.unsupported("arithmetic on bool tensors is not supported") }
        let shape = try broadcastShape(a.shape, b.shape, site: "\(context.name): broadcasting")
        if !a.type.isFloat, a.rank <= 1, b.rank <= 1, isSymbolic(a) || isSymbolic(b),
            let x = dimValues(a), let y = dimValues(b), let values = builder.dims.constantValues(shape), let count = ElementCount.of(values), count <= 4096
        {
            // Shape arithmetic (e.g. batch × time for a Reshape target): stays in the dim program.
            var refs: [DimRef] = []
            for i in 0..<count {
                let p = x[x.count == 1 ? 0 : i], q = y[y.count == 1 ? 0 : i]
                switch operation {
                case .add: refs.append(try builder.dims.add(p, q))
                case .sub: refs.append(try builder.dims.sub(p, q))
                case .mul: refs.append(try builder.dims.mul(p, q))
                case .div: refs.append(try builder.dims.div(p, q, site: context.name))
                }
            }
            define(context, 0, dimsValue(type: a.type, shape: shape, refs: refs))
            return
        }
        define(context, 0, try emit(.binary(operation), context, inputs: [a, b], output: (a.type, shape)))
    }

    func isSymbolic(_ operand: Operand) -> Bool {
        if case .dims = operand.value.content { return true }
        return false
    }

    mutating func lowerActivation(_ context: NodeContext, _ activation: FusedActivation) throws(EngineError) {
        let x = try requiredFloat(context, 0, "X")
        define(context, 0, try emit(.activation(activation), context, inputs: [x], output: (.float32, x.shape)))
    }

    mutating func lowerClip(_ context: NodeContext) throws(EngineError) {
        let x = try requiredFloat(context, 0, "input")
        func bound(_ position: Int, _ fallback: Float) throws(EngineError) -> Float {
            guard let operand = try operand(context, position) else { return fallback }
            guard let value = operand.constant?.scalarFloat else {
                throw context.unsupported("Clip bounds must be constant scalars")
            }
            return value
        }
        let low = try bound(1, -.infinity), high = try bound(2, .infinity)
        try lowerActivation(context, .clip(min: low, max: high), input: x)
    }

    private mutating func lowerActivation(_ context: NodeContext, _ activation: FusedActivation, input: Operand) throws(EngineError) {
        define(context, 0, try emit(.activation(activation), context, inputs: [input], output: (.float32, input.shape)))
    }

    mutating func lowerSoftmax(_ context: NodeContext, log: Bool) throws(EngineError) {
        let x = try requiredFloat(context, 0, "input")
        let legacyOpset = context.opset < 13
        let rank = max(x.rank, 1)
        let axis = try context.axis(try context.int("axis", default: legacyOpset ? 1 : -1), rank: rank)
        // Before opset 13 the input is flattened to 2-D at `axis`; on the last axis that is the same thing.
        let legacy = legacyOpset && axis != rank - 1
        define(context, 0, try emit(
            .softmax(axis: axis, log: log, legacy: legacy), context, inputs: [x], output: (.float32, x.shape)))
    }
}
