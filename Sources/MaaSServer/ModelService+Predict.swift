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

        let audioInput: AudioInput?
        let tensorSpecs: [TensorSpec]
        if let audio = request.audio {
            guard let extractor = plan.extractor, let binding = plan.audio else {
                throw RPCError(
                    .failedPrecondition,
                    "model \(described) has no audio front-end, so it takes tensors only (\(Self.listInputs(info.inputs))); "
                        + "register a version with an audio config (maas register --config) to send audio")
            }
            if request.inputs.contains(where: { $0.name == binding.input }) {
                throw RPCError(.invalidArgument, "input '\(binding.input)' is computed from the audio; do not send it as a tensor too")
            }
            audioInput = AudioInput(audio: audio, extractor: extractor, binding: binding)
            tensorSpecs = info.inputs.filter { $0.name != binding.input }
        } else {
            if request.includeFeatures {
                throw RPCError(.invalidArgument, "include_features needs audio input; this request sends tensors")
            }
            audioInput = nil
            tensorSpecs = info.inputs
        }
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
        if let decoder = plan.classes, let scores = outputs[decoder.binding.output], case .float32(let values) = scores.storage {
            let topK = request.topK > 0 ? Int(request.topK) : decoder.classes.effectiveTopK
            do throws(ConfigError) {
                if let answer = try decoder.answer(values: values, shape: scores.shape, topK: topK) {
                    response.topClasses = answer.top
                    response.transcript = answer.transcript ?? ""
                }
            } catch {
                throw RPCError(.failedPrecondition, "model \(described): \(error.message)")
            }
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

    static func listInputs(_ specs: [TensorSpec]) -> String {
        specs.map { "'\($0.name)' \(PredictInputs.describe($0))" }.joined(separator: ", ")
    }
}
