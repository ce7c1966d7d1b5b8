/// MatMul and Gemm. A product by a constant 2-D weight becomes a dense op (which a later pass fuses with
/// the bias Add and activation that follow it); everything else stays a general batched product.
extension GraphCompiler {
    mutating func lowerMatMul(_ context: NodeContext) throws(EngineError) {
        let a = try requiredFloat(context, 0, "A"), b = try requiredFloat(context, 1, "B")
        guard a.rank >= 1, b.rank >= 1 else { throw context.invalid("operands must have rank ≥ 1") }
        if b.rank == 2, let weight = b.constant {
            let k = builder.dims.constant(weight.shape[0]), n = builder.dims.constant(weight.shape[1])
            _ = try builder.dims.equal(a.shape[a.rank - 1], k, site: "\(context.name): inner dimension")
            let shape = Array(a.shape.dropLast()) + [n]
            define(context, 0, try emit(.dense(.none), context, inputs: [a, b, nil], output: (.float32, shape)))
            return
        }
        let one = builder.dims.constant(1)
        let aShape = a.rank == 1 ? [one] + a.shape : a.shape
        let bShape = b.rank == 1 ? b.shape + [one] : b.shape
        _ = try builder.dims.equal(aShape[aShape.count - 1], bShape[bShape.count - 2], site: "\(context.name): inner dimension")
        var shape = try broadcastShape(Array(aShape.dropLast(2)), Array(bShape.dropLast(2)), site: "\(context.name): batch")
        if a.rank > 1 { shape.append(aShape[aShape.count - 2]) }
        if b.rank > 1 { shape.append(bShape[bShape.count - 1]) }
        define(context, 0, try emit(.matMul, context, inputs: [a, b], output: (.float32, shape)))
    }

    mutating func lowerGemm(_ context: NodeContext) throws(EngineError) {
        let a = try requiredFloat(context, 0, "A"), b = try requiredFloat(context, 1, "B")
        let c = try operand(context, 2)
        guard a.rank == 2, b.rank == 2 else { throw context.invalid("A and B must be 2-D") }
        let alpha = try context.float("alpha", default: 1), beta = try context.float("beta", default: 1)
        let transposeA = try context.int("transA", default: 0) != 0
        let transposeB = try context.int("transB", default: 0) != 0
        let m = transposeA ? a.shape[1] : a.shape[0], k = transposeA ? a.shape[0] : a.shape[1]
        let n = transposeB ? b.shape[0] : b.shape[1], kb = transposeB ? b.shape[1] : b.shape[0]
        _ = try builder.dims.equal(k, kb, site: "\(context.name): inner dimension")
        let shape = [m, n]
        if !transposeA, let weight = b.constant, weight.holdsFloats, weight.count == ElementCount.of(weight.shape),
            let bias = try denseBias(c, beta: beta, n: n)
        {
            // Gemm by constant weights is a dense layer: the weights are transposed and scaled once, as they are
            // written into the plan (see `DerivedFloats`), not here.
            let rows = weight.count == 0 ? 0 : (transposeB ? weight.shape[1] : weight.shape[0])
            let columns = transposeB ? weight.shape[0] : weight.shape[1]
            let dense = DerivedFloats.scaledMatrix(weight, rows: rows, columns: columns, scale: alpha, transposed: transposeB)
            let w = syntheticConstant(ConstantTensor(derived: dense, shape: [rows, columns]), base: "\(b.name):dense")
            define(context, 0, try emit(.dense(.none), context, inputs: [a, w, bias], output: (.float32, shape)))
            return
        }
        if let c {
            guard c.type == .float32, c.rank <= 2 else { throw context.invalid("C must be a float tensor of rank ≤ 2") }
        }
        define(context, 0, try emit(
            .gemm(alpha: alpha, beta: beta, transposeA: transposeA, transposeB: transposeB), context,
            inputs: [a, b, c], output: (.float32, shape)))
    }

    /// Gemm's C as a dense bias [N] (scaled by beta), or nil when C is not a constant row; `.some(nil)` when absent.
    private mutating func denseBias(_ c: Operand?, beta: Float, n: DimRef) throws(EngineError) -> Operand?? {
        guard let c else { return .some(nil) }
        guard let constant = c.constant, let values = constant.floats, let columns = builder.dims.constantValue(n) else {
            return nil
        }
        let rowShaped = constant.shape.count <= 2 && constant.shape.dropLast().allSatisfy { $0 == 1 }
        guard rowShaped, values.count == columns || values.count == 1 else { return nil }
        let row = (0..<columns).map { beta * values[values.count == 1 ? 0 : $0] }
        return .some(syntheticConstant(ConstantTensor(floats: row, shape: [columns]), base: "\(c.name):bias"))
    }
}
