/// A serving configuration that cannot be used, said so a person can fix it: which file or key, and why.
/// The server answers INVALID_ARGUMENT with `message`; the CLI prints it.
public struct ConfigError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String

    public init(_ message: String) {
        self.message = message
    }

    public var description: String { message }
}
