/// What the compiler knows about one ONNX value while it walks the graph.
package struct SymbolicValue: Sendable {
    package enum Content: Sendable {
        /// Known now: initializers, Constant nodes, folded subgraphs.
        case constant(ConstantTensor)
        /// An integer tensor whose elements are dim-program values (a Shape result and what exporters compute
        /// from it). Costs nothing at run time unless a kernel needs it as data.
        case dims([DimRef])
        /// Computed at run time into plan tensor `index`.
        case tensor(Int)
    }

    package var type: DataType
    package var shape: [DimRef]
    package var content: Content

    package init(type: DataType, shape: [DimRef], content: Content) {
        self.type = type
        self.shape = shape
        self.content = content
    }

    package var rank: Int { shape.count }

    package var constant: ConstantTensor? {
        if case .constant(let value) = content { return value }
        return nil
    }

    package var isKnownNow: Bool {
        if case .tensor = content { return false }
        return true
    }
}
