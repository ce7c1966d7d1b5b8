/// The two kinds of model file the engine reads.
public enum ModelFileFormat: String, Sendable {
    case onnx
    case maasPlan

    /// Recognises a format from the first bytes of a file (16 are plenty), or returns nil.
    ///
    /// A native plan starts with its magic. ONNX has no magic: a `ModelProto` is recognised when its first key
    /// is one of `ModelProto`'s fields with the wire type that field is declared with (exporters begin with
    /// `ir_version`, key 0x08).
    public static func detect<C: Collection>(_ prefix: C) -> ModelFileFormat? where C.Element == UInt8 {
        if prefix.starts(with: PlanFileLayout.magic) { return .maasPlan }
        var key: UInt64 = 0
        var shift: UInt64 = 0
        for byte in prefix.prefix(5) {
            key |= UInt64(byte & 0x7F) << shift
            if byte & 0x80 == 0 {
                return modelProtoKeys.contains(key) ? .onnx : nil
            }
            shift += 7
        }
        return nil
    }

    /// `(field << 3) | wireType` of every top-level ModelProto field in onnx.proto.
    private static let modelProtoKeys: Set<UInt64> = [
        1 << 3 | 0, 2 << 3 | 2, 3 << 3 | 2, 4 << 3 | 2, 5 << 3 | 0, 6 << 3 | 2, 7 << 3 | 2, 8 << 3 | 2,
        14 << 3 | 2, 20 << 3 | 2, 25 << 3 | 2, 26 << 3 | 2,
    ]
}
