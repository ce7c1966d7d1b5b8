import MaaSAudio
import MaaSEngine
import MaaSModelConfig
import MaaSProtocol

extension ModelService {
    func predict(_ call: CallContext, payload: [UInt8]) async throws -> [UInt8] {
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
        let limits = audioLimits
        // Decoding, features and the model all run on the inference pool: the queue bounds every CPU-heavy step.
        var inputs = tensorInputs
        var features: HostTensor? = nil
        if let audioInput {
            let computed = try await inference.run { try audioInput.features(limits: limits, model: described) }
            inputs[audioInput.binding.input] = computed.modelInput
            features = computed.features
        }
        let blockingPool = self.blockingPool
        let batch = await batches.queue(for: info, model: model, audio: plan.audio) { probe in
            (try? await blockingPool.runIfActive(probe)) ?? nil
        }
        let outputs: [String: HostTensor]
        if let batch, batch.layout.accepts(inputs) {
            outputs = try await batch.run(inputs)
        } else {
            let ready = inputs
            outputs = try await inference.run { try model.run(ready) }
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
        if call.logger.logLevel <= .debug {
            call.logger.debug(
                "prediction made", metadata: ["model.name": .string(info.name), "model.version": .stringConvertible(info.version)])
        }
        return response.serializedBytes()
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
