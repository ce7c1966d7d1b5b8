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

    /// Decodes a mapped model in place: `raw_data` fields stay views into `file`, which the decoded model
    /// keeps alive. Every length inside is checked against the mapping, as for bytes in memory.
    package static func decode(_ file: MappedFile) throws(EngineError) -> OnnxModel {
        guard file.count <= limits.maxLength else {
            throw EngineError.invalidModel("the ONNX model is \(file.count) bytes, more than the \(limits.maxLength) a protobuf message may have")
        }
        var reader = ProtoReader(owner: file, limits: limits)
        do {
            return try OnnxModel(from: &reader)
        } catch var error {
            // As `init(serializedBytes:)` does, so errors read the same whichever way the model came in.
            error.path.insert(OnnxModel.protoMessageName, at: 0)
            throw EngineError.invalidModel("the ONNX model cannot be decoded: \(error)")
        }
    }
}
