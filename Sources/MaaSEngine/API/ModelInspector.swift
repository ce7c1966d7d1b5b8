/// Describes a model file without running it.
public enum ModelInspector {
    public static func inspect(fileAt path: String) throws(EngineError) -> ModelReport {
        let prefix = try FileBytes.prefix(path, count: 16)
        switch ModelFileFormat.detect(prefix) {
        case .maasPlan: return try inspectPlan(path)
        case .onnx:
            // Mapped like `ModelCompiler.compile(onnxFileAt:)`, with the same caveat: do not truncate it meanwhile.
            let file = try MappedFile(path: path, maxSize: ModelCompiler.maxModelBytes)
            return try inspect(try OnnxDecoder.decode(file), fileSize: file.count)
        case nil: throw EngineError.invalidModel("'\(path)' is neither an ONNX model nor a maas plan")
        }
    }

    package static func inspect(onnx bytes: [UInt8]) throws(EngineError) -> ModelReport {
        try inspect(try OnnxDecoder.decode(bytes), fileSize: bytes.count)
    }

    private static func inspect(_ model: OnnxModel, fileSize: Int) throws(EngineError) -> ModelReport {
        guard let graph = model.graph else { throw EngineError.invalidModel("the model has no graph") }
        let initializers = Set(graph.initializers.map(\.name))
        func signature(_ info: OnnxValueInfo) -> TensorSignature {
            let shape = (info.shape ?? []).map { dim -> Int in
                if case .value(let value) = dim, value > 0, let size = Int(exactly: value) { return size }
                return -1
            }
            return TensorSignature(name: info.name, elementType: info.elemType == OnnxDataType.float ? .float32 : .int64, shape: shape)
        }
        var parameters = 0
        for initializer in graph.initializers where initializer.dataType == OnnxDataType.float {
            parameters += initializer.dims.reduce(1) { $0 &* Int(truncatingIfNeeded: $1) }
        }
        let unsupported = graph.nodes.first { !SupportedOperators.isSupported($0) }
        var report = ModelReport(
            format: .onnx, fileSize: fileSize,
            inputs: graph.inputs.filter { !initializers.contains($0.name) }.map(signature),
            outputs: graph.outputs.map(signature),
            operatorCounts: graph.nodes.reduce(into: [:]) { $0[$1.opType, default: 0] += 1 },
            parameterCount: parameters, opsetVersion: model.defaultOpsetVersion.map { Int(truncatingIfNeeded: $0) },
            producer: [model.producerName, model.producerVersion].filter { !$0.isEmpty }.joined(separator: " "),
            metadata: model.metadata, isSupported: false,
            firstUnsupported: unsupported.map { .init(opType: $0.opType, node: $0.name.isEmpty ? $0.displayName : $0.name) },
            problem: nil)
        if unsupported == nil {
            do {
                let compiled = try GraphCompiler.compile(model, metadata: [:])
                report.inputs = compiled.plan.inputs.map(\.signature)
                report.outputs = compiled.plan.outputs.map(\.signature)
                report.isSupported = true
            } catch {
                report.problem = error.message
            }
        }
        return report
    }

    private static func inspectPlan(_ path: String) throws(EngineError) -> ModelReport {
        let file = try MappedFile(path: path)
        let plan = try PlanFile.load(file).plan
        return ModelReport(
            format: .maasPlan, fileSize: file.count, inputs: plan.inputs.map(\.signature),
            outputs: plan.outputs.map(\.signature), operatorCounts: plan.summary.sourceOperatorCounts,
            parameterCount: plan.summary.parameterCount, opsetVersion: plan.summary.opsetVersion,
            producer: plan.summary.producer, metadata: plan.metadata, isSupported: true, firstUnsupported: nil,
            problem: nil)
    }
}
