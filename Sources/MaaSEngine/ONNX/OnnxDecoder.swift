import ProtoWire

/// Decodes ONNX model bytes, turning wire-format errors into `EngineError`s that say where the bytes broke.
package enum OnnxDecoder {
    /// Nested messages deeper than this are not an ONNX model we can run (ours nest about six deep).
    package static let limits = ProtoLimits(maxDepth: 32)

    package static func decode(_ bytes: [UInt8]) throws(EngineError) -> OnnxModel {
        guard !bytes.isEmpty else { throw EngineError.invalidModel("the ONNX model is empty") }
        do {
            return try OnnxModel(serializedBytes: bytes, limits: limits)
        } catch {
            throw EngineError.invalidModel("the ONNX model cannot be decoded: \(error)")
        }
    }
}
