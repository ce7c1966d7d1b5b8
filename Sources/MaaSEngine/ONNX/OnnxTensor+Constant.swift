import ProtoWire

/// Conversion of a decoded `TensorProto` into a `ConstantTensor`, checking every size against the bytes.
extension OnnxTensor {
    /// Largest constant the engine accepts (elements); a protobuf message cannot exceed 2 GiB anyway.
    package static let maxElements = 1 << 31

    /// `what` names the tensor in errors, e.g. `initializer 'W'` or `Constant node 'c1' value`.
    package func constant(what: String) throws(EngineError) -> ConstantTensor {
        if dataLocation == 1 || externalDataEntries > 0 {
            throw EngineError.invalidModel(
                "\(what) stores its data in an external file (data_location EXTERNAL); external data is not "
                    + "supported: save the model with its weights inside the .onnx file")
        }
        if hasSegment { throw EngineError.invalidModel("\(what) is a segmented tensor, which is not supported") }
        guard let type = OnnxDataType.dataType(dataType) ?? (dataType == OnnxDataType.double ? .float32 : nil) else {
            throw EngineError.unsupported("\(what) has element type \(OnnxDataType.name(dataType)), which the engine does not load")
        }
        var shape: [Int] = []
        var count = 1
        for dim in dims {
            guard dim >= 0, let value = Int(exactly: dim) else { throw EngineError.invalidModel("\(what) has negative dimension \(dim)") }
            let product = count.multipliedReportingOverflow(by: value)
            guard !product.overflow, product.partialValue <= Self.maxElements else {
                throw EngineError.invalidModel("\(what) has too many elements (dims \(dims))")
            }
            count = product.partialValue
            shape.append(value)
        }
        if let rawBytes {
            return try decodeRaw(rawBytes, count: count, shape: shape, type: type, what: what)
        }
        let storage: ConstantTensor.Storage
        let stored: Int
        switch dataType {
        case OnnxDataType.float:
            storage = .floats(floatData)
            stored = floatData.count
        case OnnxDataType.double:
            storage = .floats(doubleData.map { Float($0) })
            stored = doubleData.count
        case OnnxDataType.int64:
            storage = .ints(int64Data)
            stored = int64Data.count
        case OnnxDataType.uint32, OnnxDataType.uint64:
            storage = .ints(uint64Data.map { Int64(truncatingIfNeeded: $0) })
            stored = uint64Data.count
        default:
            // INT32, INT16, INT8, UINT16, UINT8 and BOOL all live in int32_data.
            storage = .ints(int32Data.map { type == .bool ? ($0 != 0 ? 1 : 0) : Int64($0) })
            stored = int32Data.count
        }
        guard stored == count else {
            throw EngineError.invalidModel("\(what) has \(stored) values for dims \(dims) (\(count) elements)")
        }
        return ConstantTensor(type: type, shape: shape, storage: storage)
    }

    /// `raw_data` is little-endian, element size fixed by the data type. FLOAT data is the weight section's own
    /// format, so it stays in the model's bytes until the plan is written; the rest is decoded now (integers are
    /// shape and index constants, small; DOUBLE needs converting).
    private func decodeRaw(
        _ bytes: ProtoReader.BytesView, count: Int, shape: [Int], type: DataType, what: String
    ) throws(EngineError) -> ConstantTensor {
        let size: Int
        switch dataType {
        case OnnxDataType.float, OnnxDataType.int32, OnnxDataType.uint32: size = 4
        case OnnxDataType.int64, OnnxDataType.double, OnnxDataType.uint64: size = 8
        case OnnxDataType.int16, OnnxDataType.uint16: size = 2
        default: size = 1
        }
        guard bytes.count == count * size else {
            throw EngineError.invalidModel(
                "\(what) raw_data has \(bytes.count) bytes, expected \(count * size) for dims \(dims)")
        }
        if dataType == OnnxDataType.float { return ConstantTensor(floatBytes: bytes, shape: shape) }
        let storage: ConstantTensor.Storage = bytes.withUnsafeBytes { raw in
            func load<T: FixedWidthInteger>(_: T.Type, _ i: Int) -> T {
                T(littleEndian: raw.loadUnaligned(fromByteOffset: i * size, as: T.self))
            }
            switch dataType {
            case OnnxDataType.double:
                return .floats((0..<count).map { Float(Double(bitPattern: load(UInt64.self, $0))) })
            case OnnxDataType.int64, OnnxDataType.uint64: return .ints((0..<count).map { load(Int64.self, $0) })
            case OnnxDataType.int32: return .ints((0..<count).map { Int64(load(Int32.self, $0)) })
            case OnnxDataType.uint32: return .ints((0..<count).map { Int64(load(UInt32.self, $0)) })
            case OnnxDataType.int16: return .ints((0..<count).map { Int64(load(Int16.self, $0)) })
            case OnnxDataType.uint16: return .ints((0..<count).map { Int64(load(UInt16.self, $0)) })
            case OnnxDataType.int8: return .ints((0..<count).map { Int64(Int8(bitPattern: raw[$0])) })
            case OnnxDataType.bool: return .ints((0..<count).map { raw[$0] != 0 ? 1 : 0 })
            default: return .ints((0..<count).map { Int64(raw[$0]) })
            }
        }
        return ConstantTensor(type: type, shape: shape, storage: storage)
    }
}
