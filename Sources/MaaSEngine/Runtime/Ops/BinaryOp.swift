/// Add, Sub, Mul, Div with ONNX broadcasting, on float or integer tensors.
package enum BinaryOp {
    package static func run(_ op: PlanOp, _ operation: BinaryOperator, in context: some OpContext) throws(EngineError) {
        guard let a = op.input(0), let b = op.input(1), let y = op.output(0) else {
            throw OpFailure.inconsistent(op, "missing operand")
        }
        guard let layout = BroadcastLayout(
            output: context.shapeArray(y), a: context.shapeArray(a), b: context.shapeArray(b))
        else { throw OpFailure.inconsistent(op, "operand shapes do not broadcast to the output") }
        if context.type(y).isFloat {
            let pa = context.floats(a), pb = context.floats(b), py = context.floats(y)
            switch operation {
            case .add: try apply(layout, pa, pb, py) { $0 + $1 }
            case .sub: try apply(layout, pa, pb, py) { $0 - $1 }
            case .mul: try apply(layout, pa, pb, py) { $0 * $1 }
            case .div: try apply(layout, pa, pb, py) { $0 / $1 }
            }
        } else {
            let pa = context.ints(a), pb = context.ints(b), py = context.ints(y)
            switch operation {
            case .add: try apply(layout, pa, pb, py) { $0 &+ $1 }
            case .sub: try apply(layout, pa, pb, py) { $0 &- $1 }
            case .mul: try apply(layout, pa, pb, py) { $0 &* $1 }
            case .div:
                try apply(layout, pa, pb, py) { x, d throws(EngineError) in
                    guard d != 0 else { throw EngineError.invalidInput("\(op.origin): integer division by zero") }
                    return x.dividedReportingOverflow(by: d).partialValue
                }
            }
        }
    }

    @inline(__always)
    private static func apply<T>(
        _ layout: BroadcastLayout, _ a: UnsafeMutablePointer<T>, _ b: UnsafeMutablePointer<T>,
        _ y: UnsafeMutablePointer<T>, _ f: (T, T) throws(EngineError) -> T
    ) throws(EngineError) {
        try layout.forEachRow { (yOffset, aOffset, bOffset, length, aStep, bStep) throws(EngineError) in
            let pa = a + aOffset, pb = b + bOffset, py = y + yOffset
            switch (aStep, bStep) {
            case (1, 1): for i in 0..<length { py[i] = try f(pa[i], pb[i]) }
            case (1, 0):
                let scalar = pb[0]
                for i in 0..<length { py[i] = try f(pa[i], scalar) }
            case (0, 1):
                let scalar = pa[0]
                for i in 0..<length { py[i] = try f(scalar, pb[i]) }
            default:
                for i in 0..<length { py[i] = try f(pa[i * aStep], pb[i * bStep]) }
            }
        }
    }
}
