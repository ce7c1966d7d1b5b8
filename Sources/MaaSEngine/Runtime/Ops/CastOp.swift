/// ONNX Cast between float32, int64, int32 and bool (the last two stored as Int64 at run time).
package enum CastOp {
    package static func run(_ op: PlanOp, in context: some OpContext) throws(EngineError) {
        guard let x = op.input(0), let y = op.output(0) else { throw OpFailure.inconsistent(op, "missing operand") }
        let count = context.count(y)
        guard context.count(x) == count else { throw OpFailure.inconsistent(op, "input and output sizes differ") }
        let from = context.type(x), to = context.type(y)
        switch (from.isFloat, to) {
        case (true, .float32):
            let input = context.floats(x), output = context.floats(y)
            if input != output { output.update(from: input, count: count) }
        case (true, _):
            let input = context.floats(x), output = context.ints(y)
            for i in 0..<count { output[i] = convert(integer(input[i]), to: to) }
        case (false, .float32):
            let input = context.ints(x), output = context.floats(y)
            for i in 0..<count { output[i] = Float(input[i]) }
        case (false, _):
            let input = context.ints(x), output = context.ints(y)
            for i in 0..<count { output[i] = convert(input[i], to: to) }
        }
    }

    /// Float to integer truncates toward zero like C; NaN and out-of-range values saturate instead of trapping.
    @inline(__always)
    package static func integer(_ value: Float) -> Int64 {
        if value.isNaN { return 0 }
        if value >= 9.223_372e18 { return .max }
        if value <= -9.223_372e18 { return .min }
        return Int64(value)
    }

    @inline(__always)
    package static func convert(_ value: Int64, to type: DataType) -> Int64 {
        switch type {
        case .int32: Int64(Int32(truncatingIfNeeded: value))
        case .bool: value != 0 ? 1 : 0
        case .int64, .float32: value
        }
    }
}
