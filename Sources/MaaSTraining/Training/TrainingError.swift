/// What can go wrong in `maas train`'s library: `message` names the file, field or value.
public struct TrainingError: Error, Sendable, CustomStringConvertible {
    public enum Kind: Sendable {
        /// A setting is out of range, or the data and the settings do not fit together.
        case invalidConfiguration
        /// The data directory is missing, empty, or holds a clip that cannot be decoded.
        case invalidData
        /// A checkpoint cannot be read or belongs to another run.
        case invalidCheckpoint
        /// Reading or writing a file failed.
        case io
        /// Export or compilation of the trained network failed.
        case export
    }

    public var kind: Kind
    public var message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { message }
}
