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

    /// Like `compile(onnx:)`, from a file that is mapped rather than read: the weights stay in the file's pages
    /// until `CompiledModel.write(toFileAt:)` streams them into the plan, so compiling a large model does not
    /// hold it in memory. Gives exactly the plan `compile(onnx:)` gives for the file's bytes.
    ///
    /// The file must not be truncated while the returned model lives (reading a mapped page past a new end
    /// kills the process with SIGBUS). The registry calls this on its own staging file, which the upload wrote
    /// and closed and nothing truncates afterwards (an abort only unlinks it, which leaves a mapping intact).
    /// Lengths inside the file are checked against the mapping, so a truncated or lying file is only an error.
    public static func compile(onnxFileAt path: String, metadata: [String: String] = [:]) throws(EngineError) -> CompiledModel {
        let model = try OnnxDecoder.decode(try MappedFile(path: path, maxSize: maxModelBytes))
        return CompiledModel(try GraphCompiler.compile(model, metadata: metadata))
    }
}
