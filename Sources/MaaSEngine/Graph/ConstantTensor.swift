/// A tensor whose value is known at compile time: an initializer, a `Constant`, or a folded result.
package struct ConstantTensor: Sendable, Equatable {
    package enum Storage: Sendable, Equatable {
        case floats([Float])
        /// Every non-float type (int64, int32, bool) widened to Int64.
        case ints([Int64])
    }

    package var type: DataType
    package var shape: [Int]
    package var storage: Storage

    package init(type: DataType, shape: [Int], storage: Storage) {
        self.type = type
        self.shape = shape
        self.storage = storage
    }

    package init(floats: [Float], shape: [Int]) {
        self.init(type: .float32, shape: shape, storage: .floats(floats))
    }

    package init(ints: [Int64], shape: [Int], type: DataType = .int64) {
        self.init(type: type, shape: shape, storage: .ints(ints))
    }

    package var count: Int {
        switch storage {
        case .floats(let values): values.count
        case .ints(let values): values.count
        }
    }

    package var floats: [Float]? {
        if case .floats(let values) = storage { return values }
        return nil
    }

    package var ints: [Int64]? {
        if case .ints(let values) = storage { return values }
        return nil
    }

    /// The single value of a one-element tensor as a Float, whatever its type.
    package var scalarFloat: Float? {
        guard count == 1 else { return nil }
        switch storage {
        case .floats(let values): return values[0]
        case .ints(let values): return Float(values[0])
        }
    }

    package var byteCount: Int { count * type.storageSize }
}
