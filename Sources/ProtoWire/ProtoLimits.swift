/// Limits a reader enforces on hostile input.
public struct ProtoLimits: Sendable {
    /// How many levels of embedded messages may sit below the top-level message.
    public var maxDepth: Int
    /// Largest single length-delimited value (string, bytes, message, packed array), and the largest
    /// top-level message `init(serializedBytes:)` accepts. A negative value counts as 0.
    public var maxLength: Int

    public init(maxDepth: Int = 64, maxLength: Int = Int(Int32.max)) {
        self.maxDepth = maxDepth
        self.maxLength = maxLength
    }

    public static let `default` = ProtoLimits()
}
