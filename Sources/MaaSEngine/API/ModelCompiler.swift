/// Compiles ONNX models into native plans.
public enum ModelCompiler {
    /// Largest ONNX file accepted (protobuf itself cannot go beyond 2 GiB).
    public static let maxModelBytes = Int(Int32.max)

    /// Decodes, validates, infers shapes, folds, fuses and lays out the model. `metadata` (labels, preprocessing
    /// config…) is stored in the plan alongside the ONNX model's own `metadata_props`, and wins on conflicts.
    public static func compile(onnx bytes: [UInt8], metadata: [String: String] = [:]) throws(EngineError) -> CompiledModel {
        let model = try OnnxDecoder.decode(bytes)
        return CompiledModel(try GraphCompiler.compile(model, metadata: metadata))
    }

    public static func compile(onnxFileAt path: String, metadata: [String: String] = [:]) throws(EngineError) -> CompiledModel {
        try compile(onnx: try FileBytes.read(path, limit: maxModelBytes), metadata: metadata)
    }
}
