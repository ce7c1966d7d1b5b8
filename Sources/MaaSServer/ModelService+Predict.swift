import MaaSAudio
import MaaSEngine
import MaaSModelConfig
import MaaSProtocol

/// A model's outputs, with the features it was given when the request was audio.
private typealias Computed = (outputs: [String: HostTensor], features: HostTensor?)
/// Takes a Predict's computed outputs (or why there are none) to its answer.
private typealias ComputedAnswer = @Sendable (Result<Computed, any Error>) -> Void

/// Predict in three steps, so that a connection can serve a version that is already loaded without a task
/// (`Connection.serveInline`): `preparePredict` decodes and checks the request, `startPredict` hands it to the
/// inference pool, and the answer is serialized on the worker that computed it.
extension ModelService {
    /// The whole call, for the connection's async path: also loads the model and decides its batching on a
    /// version's first call.
    func predict(_ call: CallContext, payload: BytesView) async throws -> [UInt8] {
        let prepared = try preparePredict(payload)
        let model = try await models.model(for: prepared.stored)
        let blockingPool = self.blockingPool
        let batch = await batches.queue(for: prepared.stored.info, model: model, audio: prepared.plan.audio) { probe in
            (try? await blockingPool.runIfActive(probe)) ?? nil
        }
        let run = PredictRun(batch: batch)
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                startPredict(prepared, model: model, run: run, call: call) { continuation.resume(with: $0) }
            }
        } onCancel: {
            run.cancel()
        }
    }

    /// Decodes the request and checks it against its version. The version index is in memory: no disk.
    func preparePredict(_ payload: BytesView) throws -> PreparedPredict {
        let request = try PredictRequest(serializedBytes: payload)
        try ModelName.validate(request.name)
        guard request.version >= 0 else {
            throw RPCError(.invalidArgument, "version \(request.version) is negative; use 0 for the latest or a version number")
        }
        guard request.topK >= 0 else {
            throw RPCError(.invalidArgument, "top_k \(request.topK) is negative; use 0 for the version's default")
        }
        let stored = try registry.resolve(name: request.name, version: request.version)
        let info = stored.info
        let described = "'\(info.name)' version \(info.version)"
        let plan = try plans.plan(for: info)
        let audio = try Self.audioInput(of: request, plan: plan, version: info, model: described)
        let tensorSpecs = info.inputs.filter { $0.name != audio?.binding.input }
        let tensors = try PredictInputs.validated(
            request.inputs, specs: tensorSpecs, model: described, audioInput: audio?.binding.input)
        return PreparedPredict(
            request: request, stored: stored, plan: plan, described: described, audio: audio, tensors: tensors)
    }

    /// The model and batch queue of a version that has served before, found without waiting; nil until its
    /// model has loaded and its batching is decided (`predict` does both).
    func readyModel(for prepared: PreparedPredict) -> (model: LoadedModel, batch: BatchQueue?)? {
        let info = prepared.stored.info
        guard let model = models.loadedModel(name: info.name, version: info.version),
            let batch = batches.decidedQueue(name: info.name, version: info.version)
        else { return nil }
        return (model, batch)
    }

    /// Runs a prepared Predict on the inference pool. `completion` gets the serialized response or the error
    /// exactly once: on the worker that ran it, or at once when the pool or the batch queue is full. Decoding,
    /// features and the model all run on the pool's workers, and every request waiting for them is in a bounded
    /// queue (the pool's, or its version's batch queue).
    func startPredict(
        _ prepared: PreparedPredict, model: LoadedModel, run: PredictRun, call: CallContext,
        completion: @escaping @Sendable (Result<[UInt8], any Error>) -> Void
    ) {
        // A call that has the server to itself teaches its version what such a call costs (`SoloCosts`).
        let solo = loopCompute.starting()
        let features = prepared.audio == nil ? nil : ComputedFeatures()
        let answer: ComputedAnswer = { [loopCompute] result in
            if case .success = result, let took = loopCompute.ranAlone(solo) {
                let work = prepared.work
                prepared.plan.soloCosts.record(took, bytes: work.bytes, kind: work.kind, seconds: features?.seconds)
            }
            completion(result.flatMap { computed in
                Result { try Self.response(to: prepared, outputs: computed.outputs, features: computed.features, call: call) }
            })
        }
        guard !run.isCancelled else { return answer(.failure(CancellationError())) }
        if let audio = prepared.audio, let features {
            startAudio(audio, prepared: prepared, model: model, run: run, features: features, answer: answer)
        } else if let (queue, id) = run.batch, queue.layout.accepts(prepared.tensors) {
            queue.enqueue(prepared.tensors, id: id) { result in answer(result.map { ($0, nil) }) }
        } else {
            let tensors = prepared.tensors
            submit(run: run, answer: answer) { (try model.run(tensors), nil) }
        }
    }

    /// Features and then the model, on one worker: the event loop is woken once, with the answer. A batched
    /// version takes the clip into its queue as it is, and the worker that takes it into a batch computes its
    /// features (`BatchQueue.enqueue(id:preparing:)`), so clips gather while a batch runs as tensors do.
    private func startAudio(
        _ audio: AudioInput, prepared: PreparedPredict, model: LoadedModel, run: PredictRun,
        features: ComputedFeatures, answer: @escaping ComputedAnswer
    ) {
        let limits = audioLimits
        let inputs: @Sendable () throws -> [String: HostTensor] = {
            guard !run.isCancelled else { throw CancellationError() }
            let computed = try audio.features(limits: limits, model: prepared.described)
            // Cancelled (its deadline passed) while its features were computed: it need not join a batch.
            guard !run.isCancelled else { throw CancellationError() }
            features.store(computed)
            return Self.inputs(of: prepared, audio: audio, computed: computed)
        }
        if let (queue, id) = run.batch {
            queue.enqueue(id: id, preparing: inputs) { result in answer(result.map { ($0, features.value) }) }
        } else {
            submit(run: run, answer: answer) { (try model.run(inputs()), features.value) }
        }
    }

    /// Computes a ready Predict here, on the event loop that read it, and returns its serialized answer, when
    /// the server is still idle and `estimate` (`loopEstimate`) is within the limit (`LoopCompute`); nil
    /// leaves it to `startPredict`. A clip is checked again by the length its header declares, before it is
    /// decoded: one far longer than its bytes suggested (a compressed clip of silence) goes to a worker.
    func computeOnLoop(
        _ prepared: PreparedPredict, model: LoadedModel, batch: BatchQueue?, call: CallContext, estimate: Duration
    ) -> Result<[UInt8], any Error>? {
        guard loopCompute.claim(estimate: estimate) else { return nil }
        defer { loopCompute.release() }
        let work = prepared.work
        let solo = loopCompute.starting(claimed: true)
        var clip: AudioClip? = nil
        if let audio = prepared.audio {
            do {
                clip = try audio.decode(limits: audioLimits) { seconds in
                    guard let cost = prepared.plan.soloCosts.estimate(seconds: seconds, kind: work.kind) else { return true }
                    return loopCompute.fits(cost)
                }
            } catch {
                counts.countLoopComputed()
                return .failure(error)
            }
            guard clip != nil else {
                counts.countLoopDeclined()
                return nil
            }
        }
        var computed: AudioInput.Computed? = nil
        let result = Result { () throws -> [UInt8] in
            var inputs = prepared.tensors
            if let audio = prepared.audio, let clip {
                let features = try audio.features(of: clip, model: prepared.described)
                computed = features
                inputs = Self.inputs(of: prepared, audio: audio, computed: features)
            }
            let outputs = try model.run(inputs)
            batch?.recordAlone(inputs)
            return try Self.response(to: prepared, outputs: outputs, features: computed?.features, call: call)
        }
        if case .success = result, let took = loopCompute.ranAlone(solo) {
            prepared.plan.soloCosts.record(took, bytes: work.bytes, kind: work.kind, seconds: computed?.seconds)
        }
        counts.countLoopComputed()
        return result
    }

    /// What `prepared` is expected to take alone by its version's earlier such calls; nil when unknown, or when
    /// the version waits for requests to batch (`max_queue_delay_us`), which it keeps doing on a worker.
    func loopEstimate(_ prepared: PreparedPredict, batch: BatchQueue?) -> Duration? {
        if let batch, batch.settings.maxQueueDelay > .zero { return nil }
        let work = prepared.work
        return prepared.plan.soloCosts.estimate(bytes: work.bytes, kind: work.kind)
    }

    /// The model's inputs for an audio request: the tensors sent, and the features computed from its clip.
    private static func inputs(
        of prepared: PreparedPredict, audio: AudioInput, computed: AudioInput.Computed
    ) -> [String: HostTensor] {
        var inputs = prepared.tensors
        inputs[audio.binding.input] = computed.modelInput
        return inputs
    }

    /// Runs `work` on a worker unless the call is cancelled first, and answers with what it returns or throws.
    private func submit(
        run: PredictRun,
        answer: @escaping ComputedAnswer,
        _ work: @escaping @Sendable () throws -> Computed
    ) {
        do {
            try inference.submit {
                guard !run.isCancelled else { return answer(.failure(CancellationError())) }
                answer(Result { try work() })
            } notRun: {
                answer(.failure(InferencePool.notRunError))
            }
        } catch {
            answer(.failure(error))
        }
    }

    /// The serialized PredictResponse: every output the version declares, and its top classes if it has labels.
    private static func response(
        to prepared: PreparedPredict, outputs: [String: HostTensor], features: HostTensor?, call: CallContext
    ) throws -> [UInt8] {
        let info = prepared.stored.info
        var response = PredictResponse(name: info.name, version: info.version, outputs: [])
        response.outputs.reserveCapacity(info.outputs.count)
        for spec in info.outputs {
            guard let tensor = outputs[spec.name] else {
                throw EngineError(.internalError, "model \(prepared.described) did not produce output '\(spec.name)'")
            }
            response.outputs.append(NamedTensor(name: spec.name, tensor: TensorConversion.wireTensor(tensor)))
        }
        if let decoder = prepared.plan.classes {
            try addAnswer(
                to: &response, from: outputs, decoder: decoder, requestedTopK: prepared.request.topK,
                model: prepared.described)
        }
        if prepared.request.includeFeatures, let features {
            response.features = TensorConversion.wireTensor(features)
        }
        if call.logLevel <= .debug {
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
