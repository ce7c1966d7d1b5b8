/// A dense row-major tensor owned by the caller: what `LoadedModel.run` takes and returns.
public struct HostTensor: Sendable, Equatable {
    public enum Storage: Sendable, Equatable {
        case float32([Float])
        case int64([Int64])
    }

    public var shape: [Int]
    public var storage: Storage

    public init(shape: [Int], floats: [Float]) {
        self.shape = shape
        self.storage = .float32(floats)
    }

    public init(shape: [Int], int64s: [Int64]) {
        self.shape = shape
        self.storage = .int64(int64s)
    }

    public var elementType: ElementType {
        switch storage {
        case .float32: .float32
        case .int64: .int64
        }
    }

    /// Number of stored elements (not necessarily the product of `shape`: `run` checks that).
    public var storedCount: Int {
        switch storage {
        case .float32(let values): values.count
        case .int64(let values): values.count
        }
    }

    /// The float values, or nil for an int64 tensor.
    public var floats: [Float]? {
        if case .float32(let values) = storage { return values }
        return nil
    }

    /// The int64 values, or nil for a float tensor.
    public var int64s: [Int64]? {
        if case .int64(let values) = storage { return values }
        return nil
    }
}
