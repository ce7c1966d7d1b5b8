/// Operators that only change how data is seen (no op emitted) or that compute with shapes.
extension GraphCompiler {
    mutating func lowerIdentity(_ context: NodeContext) throws(EngineError) {
        let x = try required(context, 0, "input")
        define(context, 0, x.value)
        if context.op == "Dropout", context.output(1) != nil {
            // Inference: nothing is dropped, so the mask is all true.
            define(context, 1, try emit(.fill(1, 1), origin: context.name, inputs: [], outputs: [(.bool, x.shape)])[0])
        }
    }

    mutating func lowerReshape(_ context: NodeContext) throws(EngineError) {
        let data = try required(context, 0, "data"), shapeOperand = try required(context, 1, "shape")
        guard shapeOperand.rank == 1, let target = dimValues(shapeOperand) else {
            throw context.unsupported("the target shape must be computable from constants and input shapes")
        }
        let allowZero = context.opset >= 14 ? try context.int("allowzero", default: 0) != 0 : false
        var shape: [DimRef] = []
        var inferred: Int? = nil
        for (axis, ref) in target.enumerated() {
            switch builder.dims.constantValue(ref) {
            case 0? where !allowZero:
                guard axis < data.rank else { throw context.invalid("target dimension \(axis) is 0 but the input has rank \(data.rank)") }
                shape.append(data.shape[axis])
            case .some(-1):
                guard inferred == nil else { throw context.invalid("the target shape has more than one -1") }
                inferred = axis
                shape.append(ref)
            case let value? where value < 0:
                throw context.invalid("target dimension \(value) is negative")
            default:
                shape.append(ref)
            }
        }
        let total = try builder.dims.product(data.shape)
        let site = "\(context.name): reshape \(data.rank)-D input to \(target.count)-D"
        if let axis = inferred {
            var others = shape
            others.remove(at: axis)
            shape[axis] = try builder.dims.exactDiv(total, try builder.dims.product(others), site: site)
        } else {
            _ = try builder.dims.equal(try builder.dims.product(shape), total, site: site + ": element counts differ")
        }
        define(context, 0, alias(data, shape: shape, name: context.output(0) ?? context.name))
    }

    mutating func lowerFlatten(_ context: NodeContext) throws(EngineError) {
        let x = try required(context, 0, "input")
        var axis = try context.int("axis", default: 1)
        if axis < 0 { axis += x.rank }
        guard axis >= 0, axis <= x.rank else { throw context.invalid("axis is out of range for rank \(x.rank)") }
        let shape = [try builder.dims.product(Array(x.shape[..<axis])), try builder.dims.product(Array(x.shape[axis...]))]
        define(context, 0, alias(x, shape: shape, name: context.output(0) ?? context.name))
    }

    /// Axes of Squeeze/Unsqueeze/ReduceMean: an attribute before `inputOpset`, an input from it on.
    mutating func axesOperand(_ context: NodeContext, inputOpset: Int) throws(EngineError) -> [Int]? {
        if context.opset < inputOpset { return try context.ints("axes") }
        guard let operand = try operand(context, 1) else { return nil }
        guard let axes = constantInts(operand) else { throw context.unsupported("axes must be constant") }
        return axes
    }

    mutating func lowerSqueeze(_ context: NodeContext) throws(EngineError) {
        let x = try required(context, 0, "data")
        var shape: [DimRef] = []
        if let axes = try axesOperand(context, inputOpset: 13) {
            var removed = Set<Int>()
            for axis in axes { removed.insert(try context.axis(axis, rank: x.rank)) }
            for (axis, dim) in x.shape.enumerated() {
                if removed.contains(axis) {
                    _ = try builder.dims.equal(dim, builder.dims.constant(1), site: "\(context.name): squeezed axis \(axis)")
                } else {
                    shape.append(dim)
                }
            }
        } else {
            // Without axes every size-1 dimension goes, so the output rank would depend on the run's shapes.
            guard builder.dims.constantValues(x.shape) != nil else {
                throw context.unsupported("Squeeze without axes needs static dimensions; give the axes to squeeze")
            }
            shape = x.shape.filter { !builder.dims.isConstant($0, 1) }
        }
        define(context, 0, alias(x, shape: shape, name: context.output(0) ?? context.name))
    }

    mutating func lowerUnsqueeze(_ context: NodeContext) throws(EngineError) {
        let x = try required(context, 0, "data")
        guard let axes = try axesOperand(context, inputOpset: 13) else { throw context.invalid("axes are required") }
        let rank = x.rank + axes.count
        var inserted = Set<Int>()
        for axis in axes {
            guard inserted.insert(try context.axis(axis, rank: rank)).inserted else { throw context.invalid("axis \(axis) repeats") }
        }
        var shape: [DimRef] = []
        var next = x.shape.makeIterator()
        for axis in 0..<rank {
            shape.append(inserted.contains(axis) ? builder.dims.constant(1) : next.next()!)
        }
        define(context, 0, alias(x, shape: shape, name: context.output(0) ?? context.name))
    }

    mutating func lowerShape(_ context: NodeContext) throws(EngineError) {
        let x = try required(context, 0, "data")
        let rank = x.rank
        func clamp(_ value: Int) -> Int { min(max(value < 0 ? value + rank : value, 0), rank) }
        let start = clamp(context.opset >= 15 ? try context.int("start", default: 0) : 0)
        let end = clamp(context.opset >= 15 ? try context.int("end", default: rank) : rank)
        let refs = start < end ? Array(x.shape[start..<end]) : []
        define(context, 0, dimsValue(type: .int64, shape: [builder.dims.constant(refs.count)], refs: refs))
    }

    mutating func lowerConstant(_ context: NodeContext) throws(EngineError) {
        let constant: ConstantTensor
        if let attribute = context.attribute("value"), let tensor = attribute.t {
            constant = try tensor.constant(what: "\(context.name) value")
        } else if let value = try context.float("value_float") {
            constant = ConstantTensor(floats: [value], shape: [])
        } else if let values = context.attribute("value_floats") {
            constant = ConstantTensor(floats: values.floats, shape: [values.floats.count])
        } else if let value = context.attribute("value_int") {
            constant = ConstantTensor(ints: [value.i], shape: [])
        } else if let values = context.attribute("value_ints") {
            constant = ConstantTensor(ints: values.ints, shape: [values.ints.count])
        } else {
            throw context.unsupported("only tensor, float and int constants are supported (no string or sparse values)")
        }
        define(context, 0, SymbolicValue(type: constant.type, shape: builder.dims.constants(constant.shape), content: .constant(constant)))
    }

    mutating func lowerConstantOfShape(_ context: NodeContext) throws(EngineError) {
        let input = try required(context, 0, "input")
        guard input.rank == 1, let shape = dimValues(input) else {
            throw context.unsupported("the shape input must be computable from constants and input shapes")
        }
        for ref in shape where (builder.dims.constantValue(ref) ?? 0) < 0 {
            throw context.invalid("shape has a negative dimension")
        }
        var type = DataType.float32
        var float: Float = 0, int: Int64 = 0
        if let tensor = context.attribute("value")?.t {
            let value = try tensor.constant(what: "\(context.name) value")
            guard value.count == 1 else { throw context.invalid("value must hold exactly one element") }
            type = value.type
            float = value.scalarFloat ?? 0
            int = value.ints?.first ?? 0
        }
        define(context, 0, try emit(.fill(float, int), context, inputs: [], output: (type, shape)))
    }

    mutating func lowerCast(_ context: NodeContext) throws(EngineError) {
        let x = try required(context, 0, "input")
        guard let code = try context.int("to") else { throw context.invalid("attribute 'to' is required") }
        guard let type = OnnxDataType.dataType(Int32(truncatingIfNeeded: code)) else {
            throw context.unsupported("Cast to \(OnnxDataType.name(Int32(truncatingIfNeeded: code))) is not supported")
        }
        if type == x.type {
            define(context, 0, x.value)
            return
        }
        if case .dims(let refs) = x.value.content, type == .int64 || type == .int32 {
            // Shapes survive int64 ↔ int32 round trips unchanged (dimensions are far below 2^31).
            define(context, 0, SymbolicValue(type: type, shape: x.shape, content: .dims(refs)))
            return
        }
        define(context, 0, try emit(.cast, context, inputs: [x], output: (type, x.shape)))
    }
}
