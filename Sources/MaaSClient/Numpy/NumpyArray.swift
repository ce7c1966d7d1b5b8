import MaaSProtocol

/// An n-dimensional array as NumPy's `.npy` format stores it, held in the form a `Tensor` carries:
/// C order, little-endian, float32 or int64.
///
/// Reading accepts `.npy` format versions 1.0, 2.0 and 3.0 with dtype `<f4` or `<i8` as they are, and two
/// dtypes users produce by accident: `<f8` (NumPy's default float) is narrowed to float32 and `<i4` is widened
/// to int64. Both conversions are recorded in `convertedFrom` so a caller can say so; float64 values beyond
/// float32's range become ±inf. Fortran-order arrays, big-endian data and every other dtype are refused with
/// an error naming what to convert to. Writing produces version 1.0, byte-identical to `np.save`.
public struct NumpyArray: Sendable, Equatable {
    public var dtype: DataType
    public var shape: [Int]
    /// Row-major little-endian element bytes; `count == elementCount * dtype.byteWidth`.
    public var rawData: [UInt8]
    /// The file's dtype (e.g. `<f8`) when it was converted on read; nil when stored as is.
    public var convertedFrom: String?

    public init(shape: [Int], floats values: [Float]) {
        self.init(Tensor(shape: shape, floats: values))
    }

    public init(shape: [Int], int64s values: [Int64]) {
        self.init(Tensor(shape: shape, int64s: values))
    }

    private init(_ tensor: Tensor) {
        self.dtype = tensor.dtype
        self.shape = tensor.shape.map { Int($0) }
        self.rawData = Array(tensor.rawData)
        self.convertedFrom = nil
    }

    /// The number of elements: the product of `shape` (1 for a scalar).
    public var elementCount: Int { shape.reduce(1, *) }

    /// The same values as a protocol tensor.
    public var tensor: Tensor {
        Tensor(dtype: dtype, shape: shape.map { Int64($0) }, rawData: rawData)
    }

    /// Wraps a tensor received from the server, after checking its dtype, shape and byte count agree.
    public init(tensor: Tensor) throws(NumpyError) {
        do {
            _ = try tensor.validatedElementCount(maxElements: Int.max)
        } catch {
            throw .unsupported(error.message)
        }
        self.dtype = tensor.dtype
        self.shape = tensor.shape.map { Int($0) }
        self.rawData = Array(tensor.rawData)
        self.convertedFrom = nil
    }

    /// The values of a float32 array; nil for int64.
    public var floatValues: [Float]? { dtype == .float32 ? tensor.floatValues() : nil }

    /// The values of an int64 array; nil for float32.
    public var int64Values: [Int64]? { dtype == .int64 ? tensor.int64Values() : nil }
}

extension NumpyArray {
    /// The dtypes a file may hold and how each maps onto what maas carries.
    private enum StoredType: String, CaseIterable {
        case float32 = "<f4", int64 = "<i8", float64 = "<f8", int32 = "<i4"

        var width: Int {
            switch self {
            case .float32, .int32: 4
            case .int64, .float64: 8
            }
        }
    }

    /// Decodes a whole `.npy` file. Every length is checked against the bytes present before anything
    /// is allocated, and trailing bytes after the array are refused.
    public init(npyBytes bytes: [UInt8]) throws(NumpyError) {
        let header = try NumpyHeader.parse(bytes)
        guard let stored = StoredType(rawValue: header.descr) else {
            throw .unsupported(Self.explainUnsupported(descr: header.descr))
        }
        guard !header.fortranOrder else {
            throw .unsupported(
                "the array is in Fortran (column-major) order; save it in C order, e.g. np.save(path, np.ascontiguousarray(a))")
        }
        var count = 1
        for dim in header.shape {
            let (product, overflow) = count.multipliedReportingOverflow(by: dim)
            guard !overflow else { throw .malformed("shape \(header.shape) overflows the element count", offset: 8) }
            count = product
        }
        let available = bytes.count - header.dataOffset
        let (needed, overflow) = count.multipliedReportingOverflow(by: stored.width)
        guard !overflow, needed <= available else {
            throw .malformed(
                "shape \(header.shape) of \(header.descr) needs \(overflow ? "more than Int.max" : String(needed)) data bytes but the file holds \(available)",
                offset: header.dataOffset)
        }
        guard needed == available else {
            throw .malformed("\(available - needed) unexpected bytes after the array data", offset: header.dataOffset + needed)
        }
        let data = bytes[header.dataOffset...]
        self.shape = header.shape
        switch stored {
        case .float32:
            self.dtype = .float32
            self.rawData = Array(data)
            self.convertedFrom = nil
        case .int64:
            self.dtype = .int64
            self.rawData = Array(data)
            self.convertedFrom = nil
        case .float64:
            self.dtype = .float32
            self.rawData = Self.convert(data, count: count, from: 8, to: 4) { raw in
                UInt64(Float(Double(bitPattern: raw)).bitPattern)
            }
            self.convertedFrom = stored.rawValue
        case .int32:
            self.dtype = .int64
            self.rawData = Self.convert(data, count: count, from: 4, to: 8) { raw in
                UInt64(bitPattern: Int64(Int32(truncatingIfNeeded: raw)))
            }
            self.convertedFrom = stored.rawValue
        }
    }

    /// Re-encodes `count` little-endian elements of `width` bytes as `newWidth` bytes each.
    private static func convert(
        _ data: ArraySlice<UInt8>, count: Int, from width: Int, to newWidth: Int, _ transform: (UInt64) -> UInt64
    ) -> [UInt8] {
        var out = [UInt8]()
        out.reserveCapacity(count * newWidth)
        var index = data.startIndex
        for _ in 0..<count {
            var raw: UInt64 = 0
            for b in 0..<width { raw |= UInt64(data[index + b]) << (8 * b) }
            index += width
            let converted = transform(raw)
            for b in 0..<newWidth { out.append(UInt8(truncatingIfNeeded: converted >> (8 * b))) }
        }
        return out
    }

    private static func explainUnsupported(descr: String) -> String {
        let accepted = "maas accepts '<f4' (float32) and '<i8' (int64), and converts '<f8' and '<i4'"
        if descr.hasPrefix(">") {
            return "dtype '\(descr)' is big-endian; \(accepted): convert with a.astype('<\(descr.dropFirst())')"
        }
        return "dtype '\(descr)'; \(accepted): convert with a.astype(np.float32) or a.astype(np.int64)"
    }

    /// The `.npy` version 1.0 encoding, byte-identical to `np.save` for the same array.
    public func npyBytes() -> [UInt8] {
        let descr = dtype == .int64 ? StoredType.int64.rawValue : StoredType.float32.rawValue
        return NumpyHeader.encode(descr: descr, shape: shape) + rawData
    }
}
