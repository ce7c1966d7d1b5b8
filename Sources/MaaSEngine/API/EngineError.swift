/// The one error type the engine throws. `message` says what went wrong and where (node, field, byte offset).
public struct EngineError: Error, Sendable, CustomStringConvertible {
    public enum Kind: Sendable {
        /// The model bytes or file cannot be decoded or are inconsistent (bad opset, shape mismatch, hostile file).
        case invalidModel
        /// The model uses an operator, attribute or type the engine does not run.
        case unsupportedOperator
        /// A `run` call passed a wrong name, type or shape.
        case invalidInput
        /// A failure that is the engine's own fault, or the operating system's (I/O, memory).
        case internalError
    }

    public var kind: Kind
    public var message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String {
        "\(kind): \(message)"
    }
}

extension EngineError {
    package static func invalidModel(_ message: String) -> EngineError { EngineError(.invalidModel, message) }
    package static func unsupported(_ message: String) -> EngineError { EngineError(.unsupportedOperator, message) }
    package static func invalidInput(_ message: String) -> EngineError { EngineError(.invalidInput, message) }
    package static func internalError(_ message: String) -> EngineError { EngineError(.internalError, message) }
}
