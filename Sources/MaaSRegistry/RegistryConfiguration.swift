/// Where the registry keeps its data and how large an upload it accepts.
public struct RegistryConfiguration: Sendable {
    /// The data directory (`--data-dir`); created if missing.
    public var directory: String
    /// The largest model accepted; an upload past it fails with RESOURCE_EXHAUSTED as soon as it is exceeded.
    public var maxModelSizeBytes: UInt64

    public init(directory: String = "./maas-data", maxModelSizeBytes: UInt64 = 4 << 30) {
        self.directory = directory
        self.maxModelSizeBytes = maxModelSizeBytes
    }
}
