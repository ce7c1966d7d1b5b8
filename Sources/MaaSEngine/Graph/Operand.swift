/// A node operand: the ONNX value name (the key for caching its plan tensor) and what is known about it.
package struct Operand: Sendable {
    package var name: String
    package var value: SymbolicValue

    package init(_ name: String, _ value: SymbolicValue) {
        self.name = name
        self.value = value
    }

    package var type: DataType { value.type }
    package var shape: [DimRef] { value.shape }
    package var rank: Int { value.shape.count }
    package var constant: ConstantTensor? { value.constant }
}
