/// Name, element type and shape of a model input or output; `-1` marks a dynamic dimension (time, batch).
public struct TensorSignature: Sendable, Equatable {
    public var name: String
    public var elementType: ElementType
    public var shape: [Int]

    public init(name: String, elementType: ElementType, shape: [Int]) {
        self.name = name
        self.elementType = elementType
        self.shape = shape
    }
}

extension TensorSignature: CustomStringConvertible {
    /// e.g. `audio: float32[-1, 1, 20]`.
    public var description: String {
        "\(name): \(elementType.rawValue)[\(shape.map(String.init).joined(separator: ", "))]"
    }
}
