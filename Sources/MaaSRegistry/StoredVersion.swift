import MaaSProtocol

/// A registered version and where its files are.
public struct StoredVersion: Sendable, Equatable {
    /// The metadata acknowledged to the client at registration, read back from `version.pb` after a restart.
    public var info: ModelVersion
    /// The compiled native model file (`model.maas`) that `prepare` wrote.
    public var artifactPath: String
    /// The uploaded bytes exactly as received.
    public var sourcePath: String

    public init(info: ModelVersion, artifactPath: String, sourcePath: String) {
        self.info = info
        self.artifactPath = artifactPath
        self.sourcePath = sourcePath
    }
}
