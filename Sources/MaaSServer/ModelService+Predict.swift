import MaaSAudio
import MaaSEngine
import MaaSModelConfig
import MaaSProtocol

extension ModelService {
    func predict(_ call: CallContext, payload: BytesView) async throws -> [UInt8] {
        let request = try PredictRequest(serializedBytes: payload)
        try ModelName.validate(request.name)
        guard request.version >= 0 else {
            throw RPCError(.invalidArgument, "version \(request.version) is negative; use 0 for the latest or a version number")
        }
        guard request.topK >= 0 else {
            throw RPCError(.invalidArgument, "top_k \(request.topK) is negative; use 0 for the version's default")
        }
        // The version index is in memory: no disk, so no hop to the blocking pool.
        let stored = try registry.resolve(name: request.name, version: request.version)
        let info = stored.info
        let described = "'\(info.name)' version \(info.version)"
        let plan = try plans.plan(for: info)

        let audioInput = try Self.audioInput(of: request, plan: plan, version: info, model: described)
        let tensorSpecs = info.inputs.filter { $0.name != audioInput?.binding.input }
        let tensorInputs = try PredictInputs.validated(request.inputs, specs: tensorSpecs, model: described)
        let model = try await models.model(for: stored)
        let blockingPool = self.blockingPool
        let batch = await batches.queue(for: info, model: model, audio: plan.audio) { probe in
            (try? await blockingPool.runIfActive(probe)) ?? nil
        }
        // Decoding, features and the model all run on the inference pool: the queue bounds every CPU-heavy step.
        let outputs: [String: HostTensor]
        var features: HostTensor? = nil
        if let audioInput {
            (outputs, features) = try await predictAudio(
                audioInput, tensors: tensorInputs, model: model, batch: batch, described: described)
        } else if let batch, batch.layout.accepts(tensorInputs) {
            outputs = try await batch.run(tensorInputs)
        } else {
            outputs = try await inference.run { try model.run(tensorInputs) }
        }

        var response = PredictResponse(name: info.name, version: info.version, outputs: [])
        response.outputs.reserveCapacity(info.outputs.count)
        for spec in info.outputs {
            guard let tensor = outputs[spec.name] else {
                throw EngineError(.internalError, "model \(described) did not produce output '\(spec.name)'")
            }
            response.outputs.append(NamedTensor(name: spec.name, tensor: TensorConversion.wireTensor(tensor)))
        }
        if let decoder = plan.classes {
            try Self.addAnswer(to: &response, from: outputs, decoder: decoder, requestedTopK: request.topK, model: described)
        }
        if request.includeFeatures, let features {
            response.features = TensorConversion.wireTensor(features)
        }
        if call.logLevel <= .debug {
            call.logger.debug(
                "prediction made", metadata: ["model.name": .string(info.name), "model.version": .stringConvertible(info.version)])
        }
        return response.serializedBytes()
    }

    /// Features and then the model in one worker job: the event loop is woken once, with the answer.
    /// A batched version gets the features' rows in its queue from the worker, which runs the batch itself
    /// when one can start (see `BatchQueue.enqueueOnWorker`).
    private func predictAudio(
        _ audio: AudioInput, tensors: [String: HostTensor], model: LoadedModel, batch: BatchQueue?, described: String
    ) async throws -> (outputs: [String: HostTensor], features: HostTensor) {
        let limits = audioLimits
        let pool = inference
        let id = batch?.makeID()
        let cancellation = CancellationFlag()
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                let job: @Sendable () -> Void = {
                    guard !cancellation.isCancelled else { return continuation.resume(throwing: CancellationError()) }
                    let computed: (modelInput: HostTensor, features: HostTensor)
                    do {
                        computed = try audio.features(limits: limits, model: described)
                    } catch {
                        continuation.resume(throwing: error)
                        return
                    }
                    var inputs = tensors
                    inputs[audio.binding.input] = computed.modelInput
                    if let batch, let id, batch.layout.accepts(inputs) {
                        batch.enqueueOnWorker(inputs, id: id) { result in
                            continuation.resume(with: result.map { ($0, computed.features) })
                        }
                    } else {
                        continuation.resume(with: Result { (try model.run(inputs), computed.features) })
                    }
                }
                do {
                    try pool.submit(job) {
                        continuation.resume(throwing: InferencePool.notRunError)
                    }
                } catch {
                    continuation.resume(throwing: error)
                }
            }
        } onCancel: {
            // A job still waiting for a worker is dropped; one in the batch queue leaves it; features being
            // computed finish and are discarded.
            cancellation.cancel()
            if let id { batch?.cancel(id) }
        }
    }

    /// The request's audio with what turns it into the model's input; nil for a tensor request.
    private static func audioInput(
        of request: PredictRequest, plan: ServingPlan, version: ModelVersion, model: String
    ) throws(RPCError) -> AudioInput? {
        guard let audio = request.audio else {
            if request.includeFeatures {
                throw RPCError(.invalidArgument, "include_features needs audio input; this request sends tensors")
            }
            return nil
        }
        guard let extractor = plan.extractor, let binding = plan.audio else {
            throw RPCError(
                .failedPrecondition,
                "model \(model) has no audio front-end, so it takes tensors only (\(listInputs(version.inputs))); "
                    + "register a version with an audio config (maas register --config) to send audio")
        }
        if request.inputs.contains(where: { $0.name == binding.input }) {
            throw RPCError(.invalidArgument, "input '\(binding.input)' is computed from the audio; do not send it as a tensor too")
        }
        return AudioInput(audio: audio, extractor: extractor, binding: binding)
    }

    /// The top classes (and transcript) read from the version's scores output with its class labels.
    private static func addAnswer(
        to response: inout PredictResponse, from outputs: [String: HostTensor], decoder: ClassDecoder,
        requestedTopK: Int32, model: String
    ) throws(RPCError) {
        guard let scores = outputs[decoder.binding.output], case .float32(let values) = scores.storage else { return }
        let topK = requestedTopK > 0 ? Int(requestedTopK) : decoder.classes.effectiveTopK
        do throws(ConfigError) {
            guard let answer = try decoder.answer(values: values, shape: scores.shape, topK: topK) else { return }
            response.topClasses = answer.top
            response.transcript = answer.transcript ?? ""
        } catch {
            throw RPCError(.failedPrecondition, "model \(model): \(error.message)")
        }
    }

    static func listInputs(_ specs: [TensorSpec]) -> String {
        specs.map { "'\($0.name)' \(PredictInputs.describe($0))" }.joined(separator: ", ")
    }
}
