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
            let timer = plan.featureTime
            let computed = try await inference.run(inline: timer.isShort) {
                try timer.measure { try audioInput.features(limits: limits, model: described) }
            }
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
            let timer = plan.modelTime
            outputs = try await inference.run(inline: timer.isShort) { try timer.measure { try model.run(ready) } }
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

/// A Predict's audio and what turns it into the model's input.
struct AudioInput: Sendable {
    let audio: PredictRequest.Audio
    let extractor: FeatureExtractor
    let binding: AudioBinding

    /// Decodes, resamples, normalizes and computes MFCCs; `modelInput` is shaped for the model, `features`
    /// is the plain [T, n_mfcc] matrix. Audio problems are INVALID_ARGUMENT with the decoder's reason.
    func features(limits: AudioLimits, model: String) throws(RPCError) -> (modelInput: HostTensor, features: HostTensor) {
        let mfcc: (frames: Int, coefficients: Int, values: [Float])
        do throws(AudioError) {
            let clip: AudioClip
            switch audio {
            case .file(let bytes):
                clip = try AudioDecoder.decode(bytes, limits: limits)
            case .pcm(let raw):
                clip = try Self.decode(raw, limits: limits)
            }
            mfcc = try extractor.mfcc(clip)
        } catch {
            let text = error.description
            throw RPCError(.invalidArgument, text.hasPrefix("audio") ? text : "audio: \(text)")
        }
        if let fixed = binding.fixedFrames, fixed != mfcc.frames {
            let rate = extractor.configuration.sampleRate
            let hop = extractor.configuration.hopLength
            throw RPCError(
                .invalidArgument,
                "model \(model) takes exactly \(fixed) frames (about \(Self.seconds(fixed, hop: hop, rate: rate)) s of audio) "
                    + "but the clip makes \(mfcc.frames); send a clip of that length")
        }
        let shape = binding.shape(frames: mfcc.frames, coefficients: mfcc.coefficients).map { Int($0) }
        return (
            HostTensor(shape: shape, floats: mfcc.values),
            HostTensor(shape: [mfcc.frames, mfcc.coefficients], floats: mfcc.values)
        )
    }

    /// Raw PCM: interleaved channels are averaged to mono first, as for files.
    private static func decode(_ raw: RawAudio, limits: AudioLimits) throws(AudioError) -> AudioClip {
        let channels = raw.channels == 0 ? 1 : Int(raw.channels)
        guard (1...limits.maxChannels).contains(channels) else {
            throw AudioError(.invalidParameter(name: "channels", reason: "must be between 1 and \(limits.maxChannels), got \(raw.channels)"))
        }
        guard raw.samples.count % (4 * channels) == 0 else {
            throw AudioError(.invalidParameter(
                name: "samples", reason: "\(raw.samples.count) bytes is not a whole number of \(channels)-channel float32 frames"))
        }
        guard channels > 1 else {
            return try AudioDecoder.decodeRawFloat32(raw.samples, sampleRate: Int(raw.sampleRate), limits: limits)
        }
        let frames = raw.samples.count / (4 * channels)
        var mono = [UInt8](repeating: 0, count: frames * 4)
        raw.samples.withUnsafeBytes { source in
            mono.withUnsafeMutableBytes { target in
                for frame in 0..<frames {
                    var sum: Float = 0
                    for channel in 0..<channels {
                        let bits = source.loadUnaligned(fromByteOffset: (frame * channels + channel) * 4, as: UInt32.self)
                        sum += Float(bitPattern: UInt32(littleEndian: bits))
                    }
                    target.storeBytes(of: (sum / Float(channels)).bitPattern.littleEndian, toByteOffset: frame * 4, as: UInt32.self)
                }
            }
        }
        return try AudioDecoder.decodeRawFloat32(mono, sampleRate: Int(raw.sampleRate), limits: limits)
    }

    private static func seconds(_ frames: Int, hop: Int, rate: Int) -> String {
        let value = Double(max(frames - 1, 0) * hop) / Double(rate)
        return String(Double((value * 100).rounded()) / 100)
    }
}
