/// Why a `.npy` file could not be read or written.
public enum NumpyError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The bytes are not a well-formed `.npy` file; `offset` is where the problem was seen.
    case malformed(String, offset: Int)
    /// A well-formed file holding something maas cannot carry (dtype, Fortran order, …).
    case unsupported(String)
    /// The file could not be opened, read or written.
    case io(path: String, String)

    public var description: String {
        switch self {
        case .malformed(let reason, let offset): "malformed .npy data: \(reason) at byte \(offset)"
        case .unsupported(let reason): "unsupported .npy array: \(reason)"
        case .io(let path, let reason): "cannot access '\(path)': \(reason)"
        }
    }
}
