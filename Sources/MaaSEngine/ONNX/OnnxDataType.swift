/// `TensorProto.DataType` codes from onnx.proto, with the element types the engine can load.
package enum OnnxDataType {
    package static let float: Int32 = 1
    package static let uint8: Int32 = 2
    package static let int8: Int32 = 3
    package static let uint16: Int32 = 4
    package static let int16: Int32 = 5
    package static let int32: Int32 = 6
    package static let int64: Int32 = 7
    package static let string: Int32 = 8
    package static let bool: Int32 = 9
    package static let float16: Int32 = 10
    package static let double: Int32 = 11
    package static let uint32: Int32 = 12
    package static let uint64: Int32 = 13

    private static let names: [Int32: String] = [
        0: "UNDEFINED", 1: "FLOAT", 2: "UINT8", 3: "INT8", 4: "UINT16", 5: "INT16", 6: "INT32", 7: "INT64",
        8: "STRING", 9: "BOOL", 10: "FLOAT16", 11: "DOUBLE", 12: "UINT32", 13: "UINT64", 14: "COMPLEX64",
        15: "COMPLEX128", 16: "BFLOAT16",
    ]

    /// Human name of a code, e.g. `FLOAT16`, for error messages.
    package static func name(_ code: Int32) -> String {
        names[code] ?? "data type \(code)"
    }

    /// The engine's element type for an ONNX code, or nil if the engine cannot hold it.
    ///
    /// Small integer types widen to int64 (they only ever appear as shape or index constants); DOUBLE narrows
    /// to float32 when loaded as a constant but is not accepted for values computed at run time.
    package static func dataType(_ code: Int32) -> DataType? {
        switch code {
        case float: .float32
        case int64, uint32, uint8, int8, uint16, int16: .int64
        case int32: .int32
        case bool: .bool
        default: nil
        }
    }
}
