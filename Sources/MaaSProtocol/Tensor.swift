import ProtoWire

/// `maas.v1.Tensor`: row-major, little-endian values in `rawData`; an empty shape is a scalar.
public struct Tensor: ProtoSizedMessage, Equatable {
    public var dtype: DataType = .unspecified
    public var shape: [Int64] = []
    /// Left in the frame's buffer when decoded: the server converts it to values without a copy first.
    public var rawData: BytesView = []

    public init() {}

    public init(dtype: DataType, shape: [Int64], rawData: BytesView) {
        self.dtype = dtype
        self.shape = shape
        self.rawData = rawData
    }

    /// A tensor over an array of little-endian values; the array is shared, not copied.
    public init(dtype: DataType, shape: [Int64], rawData: [UInt8]) {
        self.init(dtype: dtype, shape: shape, rawData: BytesView(rawData))
    }

    public static let protoMessageName = "Tensor"
    public static let protoFieldNames = [1: "dtype", 2: "shape", 3: "raw_data"]

    public mutating func decodeField(_ field: FieldTag, from reader: inout ProtoReader) throws(ProtoDecodingError) -> Bool {
        switch field.number {
        case 1: dtype = try reader.readEnum(field, as: DataType.self)
        case 2: try reader.readRepeatedInt64(field, into: &shape)
        case 3: rawData = try reader.readBytesView(field)
        default: return false
        }
        return true
    }

    public func encode(to writer: inout ProtoWriter) {
        writer.write(1, enum: dtype.rawValue)
        writer.writePacked(2, int64: shape)
        writer.write(3, bytes: rawData)
    }

    public var serializedSize: Int {
        ProtoFieldSize.int32(1, dtype.rawValue) + ProtoFieldSize.packed(2, int64: shape)
            + ProtoFieldSize.bytes(3, count: rawData.count)
    }
}

extension Tensor {
    /// A float32 tensor; `values.count` must equal the product of `shape`.
    public init(shape: [Int], floats values: [Float]) {
        self.init(dtype: .float32, shape: shape.map(Int64.init), rawData: Self.littleEndianBytes(values))
    }

    /// An int64 tensor; `values.count` must equal the product of `shape`.
    public init(shape: [Int], int64s values: [Int64]) {
        self.init(dtype: .int64, shape: shape.map(Int64.init), rawData: Self.littleEndianBytes(values))
    }

    /// The wire's little-endian bytes of `values`: one copy on a little-endian host, byte-swapped otherwise.
    private static func littleEndianBytes<T: FixedWidthInteger>(_ values: [T]) -> [UInt8] {
        #if _endian(little)
        return values.withUnsafeBytes { Array($0) }
        #else
        return values.map(\.littleEndian).withUnsafeBytes { Array($0) }
        #endif
    }

    private static func littleEndianBytes(_ values: [Float]) -> [UInt8] {
        #if _endian(little)
        return values.withUnsafeBytes { Array($0) }
        #else
        return littleEndianBytes(values.map(\.bitPattern))
        #endif
    }

    /// Checks dtype, shape and `rawData` length agree; returns the element count.
    /// Negative dims, overflowing products and length mismatches are INVALID_ARGUMENT with the numbers.
    public func validatedElementCount(maxElements: Int = Int(Int32.max)) throws(RPCError) -> Int {
        guard let width = dtype.byteWidth else {
            throw RPCError(.invalidArgument, "tensor dtype is unspecified; use float32 or int64")
        }
        var count = 1
        for dim in shape {
            guard dim >= 0 else {
                throw RPCError(.invalidArgument, "tensor shape \(shape) has a negative dimension")
            }
            let (product, overflow) = count.multipliedReportingOverflow(by: Int(dim))
            guard !overflow, product <= maxElements else {
                throw RPCError(.invalidArgument, "tensor shape \(shape) has more than \(maxElements) elements")
            }
            count = product
        }
        guard rawData.count == count * width else {
            throw RPCError(
                .invalidArgument,
                "tensor raw_data holds \(rawData.count) bytes but \(dtype.name) shape \(shape) needs \(count * width)")
        }
        return count
    }

    /// The values of a float32 tensor (after `validatedElementCount`).
    public func floatValues() -> [Float] {
        let count = rawData.count / 4
        return [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
            rawData.withUnsafeBytes { raw in
                #if _endian(little)
                // The wire's layout is the host's: one copy (the bytes may sit unaligned in the frame).
                UnsafeMutableRawBufferPointer(buffer).copyMemory(from: UnsafeRawBufferPointer(rebasing: raw[..<(count * 4)]))
                #else
                for i in 0..<count {
                    buffer[i] = Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: i * 4, as: UInt32.self)))
                }
                #endif
            }
            initialized = count
        }
    }

    /// The values of an int64 tensor (after `validatedElementCount`).
    public func int64Values() -> [Int64] {
        let count = rawData.count / 8
        return [Int64](unsafeUninitializedCapacity: count) { buffer, initialized in
            rawData.withUnsafeBytes { raw in
                for i in 0..<count {
                    buffer[i] = Int64(littleEndian: raw.loadUnaligned(fromByteOffset: i * 8, as: Int64.self))
                }
            }
            initialized = count
        }
    }
}

/// `maas.v1.NamedTensor`.
public struct NamedTensor: ProtoSizedMessage, Equatable {
    public var name: String = ""
    public var tensor: Tensor?

    public init() {}
    public init(name: String, tensor: Tensor) {
        self.name = name
        self.tensor = tensor
    }

    public static let protoMessageName = "NamedTensor"
    public static let protoFieldNames = [1: "name", 2: "tensor"]

    public mutating func decodeField(_ field: FieldTag, from reader: inout ProtoReader) throws(ProtoDecodingError) -> Bool {
        switch field.number {
        case 1: name = try reader.readString(field)
        case 2: tensor = try Tensor.decodeEmbedded(field, from: &reader, merging: tensor)
        default: return false
        }
        return true
    }

    public func encode(to writer: inout ProtoWriter) {
        writer.write(1, string: name)
        if let tensor { writer.writeMessage(2, tensor) }
    }

    public var serializedSize: Int {
        ProtoFieldSize.string(1, name) + ProtoFieldSize.message(2, tensor)
    }
}
