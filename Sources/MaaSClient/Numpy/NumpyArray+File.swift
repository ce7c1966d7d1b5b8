extension NumpyArray {
    /// Largest `.npy` file read whole (2 GiB): beyond that the array could not travel in one frame anyway.
    public static let maxFileSize: UInt64 = 2 << 30

    /// Reads and decodes the `.npy` file at `path`.
    public init(contentsOf path: String) throws(NumpyError) {
        let bytes: [UInt8]
        do {
            bytes = try LocalFile.openForReading(path).readAll(limit: Self.maxFileSize)
        } catch {
            throw .io(path: path, error.reason)
        }
        try self.init(npyBytes: bytes)
    }

    /// Writes the array to `path` as `.npy` version 1.0, replacing any file there.
    public func write(to path: String) throws(NumpyError) {
        do {
            try LocalFile.create(path).write(npyBytes())
        } catch {
            throw .io(path: path, error.reason)
        }
    }
}
