import ProtoWire

/// `maas.v1.ModelFormat`.
public enum ModelFormat: Int32, Sendable, CaseIterable {
    /// Detected from the file's first bytes.
    case unspecified = 0
    case onnx = 1
    /// maas's compiled native plan.
    case maasPlan = 2

    public var name: String {
        switch self {
        case .unspecified: "unspecified"
        case .onnx: "onnx"
        case .maasPlan: "maas-plan"
        }
    }
}

/// `maas.v1.DataType`: element types a tensor can carry.
public enum DataType: Int32, Sendable, CaseIterable {
    case unspecified = 0
    case float32 = 1
    case int64 = 2

    public var name: String {
        switch self {
        case .unspecified: "unspecified"
        case .float32: "float32"
        case .int64: "int64"
        }
    }

    /// Bytes per element in `raw_data`; nil for `unspecified`.
    public var byteWidth: Int? {
        switch self {
        case .unspecified: nil
        case .float32: 4
        case .int64: 8
        }
    }
}

extension ProtoReader {
    /// Reads an enum field and maps it; values this build does not know are rejected with the field named.
    mutating func readEnum<E: RawRepresentable>(_ field: FieldTag, as type: E.Type) throws(ProtoDecodingError) -> E
    where E.RawValue == Int32 {
        let start = offset
        let raw: Int32 = try readEnum(field)
        guard let value = E(rawValue: raw) else {
            throw ProtoDecodingError(
                .invalidValue("unknown \(E.self) value \(raw)"), offset: start, fieldNumber: field.number)
        }
        return value
    }
}
