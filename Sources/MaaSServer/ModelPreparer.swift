import Logging
import MaaSEngine
import MaaSModelConfig
import MaaSProtocol
import MaaSRegistry

/// The registry's `prepare` step for one upload: recognise the file, check it is a model the engine runs,
/// and leave the native plan at the artifact path; then resolve the version's audio front-end and class labels
/// against the model's signature, so a config that cannot fit fails here. Runs on the blocking pool, inside the
/// registry's commit.
struct ModelPreparer: Sendable {
    let header: ModelHeader
    let logger: Logger

    func prepare(uploadedFilePath: String, artifactPath: String) throws(RPCError) -> PreparedModel {
        let prefix: [UInt8]
        do {
            prefix = try FileOperations.readPrefix(of: uploadedFilePath, count: 16)
        } catch {
            throw internalFailure(error)
        }
        guard let detected = ModelFileFormat.detect(prefix) else {
            let hex = prefix.prefix(8).map { byte in
                let digits = String(byte, radix: 16)
                return digits.count == 1 ? "0" + digits : digits
            }
            throw RPCError(
                .invalidArgument,
                "the upload is neither an ONNX model nor a maas plan (it starts with \(hex.joined(separator: " ")))")
        }
        let format: ModelFormat = detected == .onnx ? .onnx : .maasPlan
        if header.format != .unspecified && header.format != format {
            throw RPCError(.invalidArgument, "the header says the model is \(header.format.name) but the upload is \(format.name)")
        }
        let signature: (inputs: [TensorSignature], outputs: [TensorSignature])
        let fileMetadata: [String: String]
        do throws(EngineError) {
            switch detected {
            case .onnx:
                let compiled = try ModelCompiler.compile(onnxFileAt: uploadedFilePath, metadata: header.labels)
                try compiled.write(toFileAt: artifactPath)
                signature = (compiled.inputs, compiled.outputs)
                fileMetadata = compiled.metadata
            case .maasPlan:
                // Loading is the validation: a plan the engine cannot load must not become a version.
                let model = try LoadedModel.load(path: uploadedFilePath)
                signature = (model.inputs, model.outputs)
                fileMetadata = model.metadata
            }
        } catch {
            if error.kind == .internalError {
                logger.error("engine failed while preparing a model", metadata: ["error": "\(error)"])
            }
            throw RPCError(engine: error)
        }
        if detected == .maasPlan {
            do {
                try FileOperations.linkOrCopy(uploadedFilePath, to: artifactPath)
            } catch {
                throw internalFailure(error)
            }
        }
        let inputs = signature.inputs.map(TensorConversion.spec)
        let outputs = signature.outputs.map(TensorConversion.spec)
        let serving: (audio: AudioFrontEnd?, classes: ClassLabels?)
        do throws(ConfigError) {
            serving = try ServingConfig.resolve(
                headerAudio: header.audio, headerClasses: header.classes, fileMetadata: fileMetadata,
                inputs: inputs, outputs: outputs, model: "model '\(header.name)'")
        } catch {
            throw RPCError(.invalidArgument, error.message)
        }
        if let batching = header.batching {
            guard (0...4096).contains(batching.maxBatchSize) else {
                throw RPCError(.invalidArgument, "batching.max_batch_size must be between 0 (the server's) and 4096, not \(batching.maxBatchSize)")
            }
            if let delay = batching.maxQueueDelayMicroseconds, !(0...1_000_000).contains(delay) {
                throw RPCError(.invalidArgument, "batching.max_queue_delay_us must be between 0 and 1000000, not \(delay)")
            }
        }
        return PreparedModel(
            format: format, inputs: inputs, outputs: outputs, audio: serving.audio, classes: serving.classes,
            batching: header.batching)
    }

    /// The server's own failure: details to the log, a generic status to the client.
    private func internalFailure(_ error: FileOperationError) -> RPCError {
        logger.error("could not prepare the uploaded model", metadata: ["error": "\(error)"])
        return RPCError(.internal, "internal server error")
    }
}
