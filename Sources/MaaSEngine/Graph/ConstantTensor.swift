import ProtoWire

/// A tensor whose value is known at compile time: an initializer, a `Constant`, or a folded result.
///
/// Large float weights are not turned into arrays while the graph is lowered: an initializer's values stay in
/// the model's bytes (`floatBytes`, usually a file mapping), and weights repacked for a kernel stay a recipe
/// (`derived`), until the plan file is written (see `ConstantTensor+Bytes`). `floats` still gives any float
/// constant as an array, for the few rules that compute with values.
package struct ConstantTensor: Sendable {
    package enum Storage: Sendable {
        case floats([Float])
        /// Every non-float type (int64, int32, bool) widened to Int64.
        case ints([Int64])
        /// Little-endian float32 values inside the model's bytes, at any alignment; 4 bytes per element.
        case floatBytes(ProtoReader.BytesView)
        /// Floats computed from other constants when they are needed.
        case derived(DerivedFloats)
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

    /// Float32 values left in `bytes`, whose length the caller has checked to be 4 · (elements of `shape`).
    package init(floatBytes bytes: ProtoReader.BytesView, shape: [Int]) {
        precondition(bytes.count % 4 == 0, "float bytes must hold whole elements")
        self.init(type: .float32, shape: shape, storage: .floatBytes(bytes))
    }

    package init(derived: DerivedFloats, shape: [Int]) {
        self.init(type: .float32, shape: shape, storage: .derived(derived))
    }

    package var count: Int {
        switch storage {
        case .floats(let values): values.count
        case .ints(let values): values.count
        case .floatBytes(let bytes): bytes.count / 4
        case .derived(let derived): derived.count
        }
    }

    /// True for float storage of any kind (arrays, model bytes, recipes).
    package var holdsFloats: Bool {
        if case .ints = storage { return false }
        return true
    }

    /// The float values as an array, or nil for an integer tensor. Copies (or computes) values that are
    /// not already an array: call it for values the compiler computes with, not to move weights.
    package var floats: [Float]? {
        switch storage {
        case .floats(let values): return values
        case .ints: return nil
        case .floatBytes, .derived:
            return [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
                if let base = buffer.baseAddress { write(into: UnsafeMutableRawPointer(base)) }
                initialized = buffer.count
            }
        }
    }

    package var ints: [Int64]? {
        if case .ints(let values) = storage { return values }
        return nil
    }

    /// The single value of a one-element tensor as a Float, whatever its type.
    package var scalarFloat: Float? {
        guard count == 1 else { return nil }
        if case .ints(let values) = storage { return Float(values[0]) }
        return floats?[0]
    }

    package var byteCount: Int { count * type.storageSize }
}

extension ConstantTensor: Equatable {
    /// Same type, shape and values, wherever the values are kept.
    package static func == (a: ConstantTensor, b: ConstantTensor) -> Bool {
        guard a.type == b.type, a.shape == b.shape else { return false }
        switch (a.storage, b.storage) {
        case (.ints(let x), .ints(let y)): return x == y
        case (.ints, _), (_, .ints): return false
        default: return a.floats == b.floats
        }
    }
}
