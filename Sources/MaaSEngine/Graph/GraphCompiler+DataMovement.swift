/// Concat, Gather, Slice, Expand, Transpose and ReduceMean: each either computes with dim values (the
/// exporters' shape plumbing), folds on constants, avoids a copy where it can, or emits an op.
extension GraphCompiler {
    mutating func lowerConcat(_ context: NodeContext) throws(EngineError) {
        var inputs: [Operand] = []
        for position in context.node.inputs.indices {
            if let input = try operand(context, position) { inputs.append(input) }
        }
        guard let first = inputs.first else { throw context.invalid("no inputs") }
        guard let axisAttribute = try context.int("axis") else { throw context.invalid("attribute 'axis' is required") }
        guard first.rank > 0 else { throw context.invalid("inputs must have rank ≥ 1") }
        let axis = try context.axis(axisAttribute, rank: first.rank)
        var shape = first.shape
        for input in inputs.dropFirst() {
            guard input.type == first.type, input.rank == first.rank else {
                throw context.invalid("inputs differ in type or rank ('\(first.name)' and '\(input.name)')")
            }
            for dim in 0..<first.rank {
                if dim == axis {
                    shape[dim] = try builder.dims.add(shape[dim], input.shape[dim])
                } else {
                    shape[dim] = try builder.dims.equal(input.shape[dim], shape[dim], site: "\(context.name): axis \(dim)")
                }
            }
        }
        if !first.type.isFloat, first.rank == 1, inputs.contains(where: isSymbolic) {
            var refs: [DimRef]? = []
            for input in inputs {
                guard let values = dimValues(input) else { refs = nil; break }
                refs? += values
            }
            if let refs {
                define(context, 0, dimsValue(type: first.type, shape: shape, refs: refs))
                return
            }
        }
        define(context, 0, try emit(.concat(axis: axis), context, inputs: inputs, output: (first.type, shape)))
    }

    mutating func lowerGather(_ context: NodeContext) throws(EngineError) {
        let data = try required(context, 0, "data"), indices = try required(context, 1, "indices")
        guard !indices.type.isFloat else { throw context.invalid("indices must be integers") }
        guard data.rank > 0 else { throw context.invalid("data must have rank ≥ 1") }
        let axis = try context.axis(try context.int("axis", default: 0), rank: data.rank)
        let shape = Array(data.shape[..<axis]) + indices.shape + Array(data.shape[(axis + 1)...])
        if data.rank == 1, isSymbolic(data), let elements = dimValues(data), let picks = constantInts(indices) {
            var refs: [DimRef] = []
            for pick in picks {
                let index = pick < 0 ? pick + elements.count : pick
                guard index >= 0, index < elements.count else {
                    throw context.invalid("index \(pick) is out of range for \(elements.count) elements")
                }
                refs.append(elements[index])
            }
            define(context, 0, dimsValue(type: data.type, shape: shape, refs: refs))
            return
        }
        define(context, 0, try emit(.gather(axis: axis), context, inputs: [data, indices], output: (data.type, shape)))
    }

    mutating func lowerSlice(_ context: NodeContext) throws(EngineError) {
        let data = try required(context, 0, "data")
        guard let starts = dimValues(try required(context, 1, "starts")),
            let ends = dimValues(try required(context, 2, "ends"))
        else { throw context.unsupported("starts and ends must be computable from constants and input shapes") }
        let count = starts.count
        var axes = Array(0..<count)
        if let operand = try operand(context, 3) {
            guard let values = constantInts(operand) else { throw context.unsupported("axes must be constant") }
            axes = values
        }
        var steps = [Int](repeating: 1, count: count)
        if let operand = try operand(context, 4) {
            guard let values = constantInts(operand) else { throw context.unsupported("steps must be constant") }
            steps = values
        }
        guard ends.count == count, axes.count == count, steps.count == count else {
            throw context.invalid("starts, ends, axes and steps differ in length")
        }
        var shape = data.shape
        var seen = Set<Int>()
        var normalizedAxes: [Int] = []
        var startRefs: [DimRef] = []
        var full = true
        for i in 0..<count {
            let axis = try context.axis(axes[i], rank: data.rank)
            guard seen.insert(axis).inserted else { throw context.invalid("axis \(axes[i]) repeats") }
            guard steps[i] != 0 else { throw context.invalid("step is 0") }
            let dim = data.shape[axis]
            let start = builder.dims.sliceStart(dim: dim, start: starts[i], step: steps[i])
            shape[axis] = builder.dims.sliceCount(dim: dim, start: starts[i], end: ends[i], step: steps[i])
            full = full && steps[i] == 1 && builder.dims.isConstant(start, 0) && shape[axis] == dim
            normalizedAxes.append(axis)
            startRefs.append(start)
        }
        if full {
            define(context, 0, data.value)
            return
        }
        if data.rank == 1, isSymbolic(data), let elements = dimValues(data), let first = builder.dims.constantValue(startRefs[0]),
            let length = builder.dims.constantValue(shape[0])
        {
            let refs = (0..<length).map { elements[first + $0 * steps[0]] }
            define(context, 0, dimsValue(type: data.type, shape: shape, refs: refs))
            return
        }
        define(context, 0, try emit(
            .slice(axes: normalizedAxes, starts: startRefs, steps: steps), context, inputs: [data],
            output: (data.type, shape)))
    }

    mutating func lowerExpand(_ context: NodeContext) throws(EngineError) {
        let x = try required(context, 0, "input"), shapeOperand = try required(context, 1, "shape")
        guard shapeOperand.rank == 1, let target = dimValues(shapeOperand) else {
            throw context.unsupported("the target shape must be computable from constants and input shapes")
        }
        let shape = try broadcastShape(x.shape, target, site: "\(context.name): expanding")
        if shape == x.shape {
            define(context, 0, x.value)
            return
        }
        if let constant = x.constant, constant.count == 1 {
            // A scalar broadcast to a run-time shape (the zero states exporters build): just a fill.
            let fill = PlanOpKind.fill(constant.scalarFloat ?? 0, constant.ints?.first ?? 0)
            define(context, 0, try emit(fill, context, inputs: [], output: (x.type, shape)))
            return
        }
        if !x.type.isFloat, x.rank <= 1, isSymbolic(x), let elements = dimValues(x), let values = builder.dims.constantValues(shape), let count = ElementCount.of(values), count <= 4096,
            shape.count == 1
        {
            define(context, 0, dimsValue(type: x.type, shape: shape, refs: (0..<count).map { elements[elements.count == 1 ? 0 : $0] }))
            return
        }
        define(context, 0, try emit(.expand, context, inputs: [x], output: (x.type, shape)))
    }

    mutating func lowerTranspose(_ context: NodeContext) throws(EngineError) {
        let x = try required(context, 0, "data")
        let permutation = try context.ints("perm") ?? Array((0..<x.rank).reversed())
        guard permutation.count == x.rank, Set(permutation) == Set(0..<x.rank) else {
            throw context.invalid("perm \(permutation) is not a permutation of \(x.rank) axes")
        }
        let shape = permutation.map { x.shape[$0] }
        // Moving only size-1 axes around leaves the bytes in the same order: a view, not a copy.
        let moved = permutation.filter { !builder.dims.isConstant(x.shape[$0], 1) }
        if moved == moved.sorted() {
            define(context, 0, alias(x, shape: shape, name: context.output(0) ?? context.name))
            return
        }
        define(context, 0, try emit(.transpose(permutation: permutation), context, inputs: [x], output: (x.type, shape)))
    }

    mutating func lowerReduceMean(_ context: NodeContext) throws(EngineError) {
        let x = try requiredFloat(context, 0, "data")
        let keepDims = try context.int("keepdims", default: 1) != 0
        var axes = try axesOperand(context, inputOpset: 18) ?? []
        if axes.isEmpty {
            if context.opset >= 18, try context.int("noop_with_empty_axes", default: 0) != 0 {
                define(context, 0, x.value)
                return
            }
            axes = Array(0..<x.rank)
        }
        var reduced = Set<Int>()
        for axis in axes { reduced.insert(try context.axis(axis, rank: x.rank)) }
        var shape: [DimRef] = []
        for (axis, dim) in x.shape.enumerated() {
            if !reduced.contains(axis) {
                shape.append(dim)
            } else if keepDims {
                shape.append(builder.dims.constant(1))
            }
        }
        define(context, 0, try emit(.reduceMean(axes: reduced.sorted()), context, inputs: [x], output: (.float32, shape)))
    }
}
