/// A class index that does not name one of the report's labels.
public struct MetricsError: Error, Equatable, CustomStringConvertible {
    /// Which side of the (true, predicted) pair was out of range.
    public enum Role: String, Sendable {
        case truth = "true"
        case predicted
    }

    public var role: Role
    public var index: Int
    public var classCount: Int

    public init(role: Role, index: Int, classCount: Int) {
        self.role = role
        self.index = index
        self.classCount = classCount
    }

    public var description: String {
        "\(role.rawValue) class index \(index) is out of range: there are \(classCount) labels (indices 0..<\(classCount))"
    }
}
