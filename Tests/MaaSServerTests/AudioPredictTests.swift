import Foundation
import MaaSClient
import MaaSModelConfig
import MaaSProtocol
import Testing

@testable import MaaSServer

/// Predict on audio end to end: registration resolves each version's front-end and labels against its model,
/// and the server's decode → MFCC → model → classes answers what librosa and ONNX Runtime compute
/// (references and tolerances from Fixtures/make_audio_fixtures.py).
@Suite("Predict on audio", .timeLimit(.minutes(1)))
struct AudioPredictTests {
    typealias Model = AudioFixture.Model

    /// Each answering model with the clip decision it is registered with and the layout registration must infer.
    static let answering: [(model: Model, decision: ClipDecision, layout: FeatureLayout)] = [
        (.timeMajor, .meanLogProb, .timeMajor),
        (.batchMajor, .lastFrame, .batchMajor),
        (.clipLevel, .meanLogProb, .timeMajor),
        (.ctcLogits, .meanLogProb, .timeMajor),
        (.frames, .lastFrame, .frames),
    ]

    @Test("registration stores the front-end with the inferred layout and input, and the labels with their output",
          arguments: answering)
    func registrationResolves(model: Model, decision: ClipDecision, layout: FeatureLayout) async throws {
        try await withClient { client in
            let labels = AudioFixture.labels(model, decision: decision, topK: 3)
            let version = try await AudioFixture.register(
                model, as: AudioFixture.header("kws", classes: labels), on: client)
            #expect(version.inputs == [TensorSpec(name: model.input, dtype: .float32, shape: model.inputShape)])
            var audio = AudioFixture.frontEnd(layout: layout)
            audio.input = model.input
            #expect(version.audio == audio)
            var classes = labels
            classes.output = model.output
            #expect(version.classes == classes)
            #expect(try await client.listVersions(name: "kws") == [version])
        }
    }

    @Test("answers every clip as ONNX Runtime does on librosa's features: outputs, top classes, transcript, features",
          arguments: AudioFixture.manifest.clips)
    func answersLikeTheReference(clipName: String) async throws {
        let clip = AudioFixture.clip(clipName)
        let audio = try AudioFixture.audio(clipName)
        try await withClient { client in
            var registered = Self.answering.map { ($0.model, $0.decision, $0.layout) }
            // Both time axes are dynamic in this one: it serves once the config names the layout.
            registered.append((.ambiguous, .meanLogProb, .timeMajor))
            for (model, decision, layout) in registered {
                let header = AudioFixture.header(
                    model.rawValue, audio: AudioFixture.frontEnd(layout: model == .ambiguous ? layout : .unspecified),
                    classes: AudioFixture.labels(model, decision: decision))
                _ = try await AudioFixture.register(model, as: header, on: client)
                let response = try await client.predict(
                    PredictRequest(name: model.rawValue, audio: audio, includeFeatures: true))
                try check(response, model: model, decision: decision, clip: clip)

                // The features fed back as a tensor give the very same outputs: the server shaped them for the
                // model exactly as this layout says.
                let features = try #require(response.features)
                let frames = clip.features.shape[0]
                let shape = switch layout {
                case .batchMajor: [1, frames, 13]
                case .frames: [frames, 13]
                default: [frames, 1, 13]
                }
                let again = try await client.predict(PredictRequest(name: model.rawValue, inputs: [
                    NamedTensor(name: model.input, tensor: Tensor(shape: shape, floats: features.floatValues())),
                ]))
                #expect(again.outputs == response.outputs)
                #expect(again.topClasses == response.topClasses)
                #expect(again.transcript == response.transcript)
                #expect(again.features == nil)
            }
        }
    }

    /// Checks one answer against the references; tolerances follow from the MFCC bound (see the script).
    private func check(_ response: PredictResponse, model: Model, decision: ClipDecision, clip: AudioFixture.Clip) throws {
        let reference = try #require(clip.models[model.reference])
        let features = try #require(response.features)
        #expect(features.dtype == .float32)
        #expect(features.shape == clip.features.shape.map(Int64.init))
        #expect(maxDifference(features.floatValues(), clip.features.values) <= clip.delta, "\(model) features")

        #expect(response.outputs.map(\.name) == [model.output])
        let output = try #require(response.outputs.first?.tensor)
        // The frames model is batch_major's graph without the batch axis.
        let shape = model == .frames ? Array(reference.output.shape.dropFirst()) : reference.output.shape
        #expect(output.shape == shape.map(Int64.init))
        let outputError = maxDifference(output.floatValues(), reference.output.values)
        #expect(outputError <= reference.outputTolerance, "\(model) outputs off by \(outputError)")

        let names = model == .ctcLogits ? AudioFixture.manifest.ctcNames : AudioFixture.manifest.classes
        let expected = reference.decision(decision)
        #expect(response.topClasses.count == min(ClassesConfig.defaultTopK, names.count))
        if expected.orderStable {
            #expect(response.topClasses.map { Int($0.index) } == Array(expected.order.prefix(response.topClasses.count)),
                    "\(model) top classes \(response.topClasses)")
        }
        for score in response.topClasses {
            let index = Int(score.index)
            #expect(score.label == names[index])
            #expect(abs(score.probability - expected.probabilities[index]) <= expected.tolerance, "\(model) \(score)")
        }
        let probabilities = response.topClasses.map(\.probability)
        #expect(probabilities == probabilities.sorted(by: >))

        if model == .ctcLogits {
            let transcript = try #require(reference.transcript)
            if reference.transcriptStable == true {
                #expect(response.transcript == transcript)
            } else {
                // A frame's two best logits are closer than the MFCC bound allows to rank; the length still holds.
                #expect(!response.transcript.isEmpty)
            }
        } else {
            #expect(response.transcript.isEmpty)
        }
    }

    @Test("a model that fixes its frame count answers clips of that length and refuses others with the length it needs")
    func fixedFrames() async throws {
        let reference = try #require(AudioFixture.clip("speech_16k.wav").models["batch_major"])
        try await withClient { client in
            let version = try await AudioFixture.register(.fixedFrames, as: AudioFixture.header("fixed"), on: client)
            #expect(version.audio?.layout == .batchMajor)
            let response = try await client.predict(
                PredictRequest(name: "fixed", audio: try AudioFixture.audio("speech_16k.wav")))
            let output = try #require(response.outputs.first?.tensor)
            #expect(output.shape == [1, 61, 4])
            #expect(maxDifference(output.floatValues(), reference.output.values) <= reference.outputTolerance)
            let error = await failure {
                _ = try await client.predict(PredictRequest(name: "fixed", audio: try AudioFixture.audio("other_16k.flac")))
            }
            #expect(error?.code == .invalidArgument)
            #expect(error?.message.contains("takes exactly 61 frames") == true, "\(error?.message ?? "no error")")
            #expect(error?.message.contains("the clip makes 51") == true)
        }
    }

    @Test("a model with another input: the config names the audio's, and the request sends the rest as tensors")
    func audioBesideTensors() async throws {
        let audio = try AudioFixture.audio("speech_16k.wav")
        let reference = try #require(AudioFixture.clip("speech_16k.wav").models["ambiguous"])
        let gain: @Sendable (Float) -> NamedTensor = { NamedTensor(name: "gain", tensor: Tensor(shape: [1], floats: [$0])) }
        try await withClient { client in
            let unnamed = await failure {
                _ = try await AudioFixture.register(.twoInputs, as: AudioFixture.header("two"), on: client)
            }
            #expect(unnamed?.code == .invalidArgument)
            #expect(unnamed?.message.contains("set \"input\" in the audio config") == true, "\(unnamed?.message ?? "")")

            var frontEnd = AudioFixture.frontEnd()
            frontEnd.input = "mfcc"
            let version = try await AudioFixture.register(
                .twoInputs, as: AudioFixture.header("two", audio: frontEnd, classes: AudioFixture.labels(.twoInputs)),
                on: client)
            #expect(version.audio?.input == "mfcc")
            #expect(version.audio?.layout == .timeMajor)

            let response = try await client.predict(PredictRequest(name: "two", inputs: [gain(1)], audio: audio))
            let output = try #require(response.outputs.first?.tensor)
            #expect(maxDifference(output.floatValues(), reference.output.values) <= reference.outputTolerance)
            // A zero gain flattens every frame to 1/4: the tensor reached the model beside the features.
            let flat = try await client.predict(PredictRequest(name: "two", inputs: [gain(0)], audio: audio))
            #expect(try #require(flat.outputs.first?.tensor).floatValues().allSatisfy { abs($0 - 0.25) <= 1e-6 })
            #expect(flat.topClasses.map(\.index) == [0, 1, 2, 3])

            let missing = await failure { _ = try await client.predict(PredictRequest(name: "two", audio: audio)) }
            #expect(missing?.code == .invalidArgument)
            #expect(missing?.message.contains("needs input 'gain'") == true, "\(missing?.message ?? "")")
        }
    }

    @Test("silence and a one-sample clip still answer: one frame, finite features, probabilities that sum to 1",
          arguments: [1, 16000])
    func edgeClips(samples: Int) async throws {
        let silence = [UInt8](repeating: 0, count: 4 * samples)
        try await withClient { client in
            _ = try await AudioFixture.register(
                .timeMajor, as: AudioFixture.header("kws", classes: AudioFixture.labels(.timeMajor)), on: client)
            let response = try await client.predict(PredictRequest(
                name: "kws", audio: .pcm(RawAudio(sampleRate: 16000, samples: silence)), includeFeatures: true))
            let features = try #require(response.features)
            // librosa: frames = 1 + samples // hop with center=True.
            #expect(features.shape == [Int64(1 + samples / 160), 13])
            #expect(features.floatValues().allSatisfy { $0.isFinite })
            #expect(response.topClasses.count == 4)
            #expect(abs(response.topClasses.map(\.probability).reduce(0, +) - 1) <= 1e-5)
        }
    }

    @Test("predictions on several connections at once each get their own clip's answer")
    func concurrent() async throws {
        let clips = AudioFixture.manifest.clips
        try await TestServer.with({ $0.inferenceWorkers = 2; $0.inferenceQueueDepth = 32 }) { _, port in
            let setup = try await MaaSClient.connect(host: "127.0.0.1", port: port)
            _ = try await AudioFixture.register(
                .ctcLogits, as: AudioFixture.header("ctc", classes: AudioFixture.labels(.ctcLogits)), on: setup)
            await setup.close()
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<16 {
                    let name = clips[index % clips.count]
                    group.addTask {
                        let client = try await MaaSClient.connect(host: "127.0.0.1", port: port)
                        let response = try await client.predict(PredictRequest(name: "ctc", audio: try AudioFixture.audio(name)))
                        let reference = try #require(AudioFixture.clip(name).models["ctc_logits"])
                        let output = try #require(response.outputs.first?.tensor)
                        #expect(maxDifference(output.floatValues(), reference.output.values) <= reference.outputTolerance)
                        await client.close()
                    }
                }
                try await group.waitForAll()
            }
        }
    }

    @Test("audio waiting for a worker: DEADLINE_EXCEEDED when timeout-ms passes, RESOURCE_EXHAUSTED past the queue, then served")
    func waitingForAWorker() async throws {
        let clip = try #require(AudioFixture.manifest.clips.first)
        try await TestServer.with({ $0.inferenceWorkers = 1; $0.inferenceQueueDepth = 1 }) { server, port in
            let setup = try await MaaSClient.connect(host: "127.0.0.1", port: port)
            _ = try await AudioFixture.register(
                .ctcLogits, as: AudioFixture.header("ctc", classes: AudioFixture.labels(.ctcLogits)), on: setup)
            await setup.close()
            let request = PredictRequest(name: "ctc", audio: try AudioFixture.audio(clip))
            // Loaded and probed for batching first, so the calls below wait for the worker and nothing else.
            let warm = try await MaaSClient.connect(host: "127.0.0.1", port: port)
            _ = try await warm.predict(request)
            await warm.close()
            let gate = Gate()
            let blocker = gate.occupyWorker(of: server)
            try await eventually { server.inferencePool.admittedJobs == 1 }
            defer { gate.open() }
            try await FrameClient.connect(port: port) { client in
                let late = try #require(try await client.unary(1, .predict, request, metadata: [MetadataKey.timeoutMs: "50"]))
                #expect(late.statusCode == .deadlineExceeded)
                // The timed-out job holds its place until a worker drops it (on a slow machine the deadline may
                // answer before the job is even handed over); one more does not fit.
                try await eventually { server.inferencePool.admittedJobs == 2 }
                let refused = try #require(try await client.unary(2, .predict, request))
                #expect(refused.statusCode == .resourceExhausted)
                gate.open()
                try await eventually { server.inferencePool.admittedJobs == 0 }
                let served = try #require(try await client.unary(3, .predict, request))
                #expect(served.statusCode == .ok)
                let response = try PredictResponse(serializedBytes: served.payload)
                let reference = try #require(AudioFixture.clip(clip).models["ctc_logits"])
                let output = try #require(response.outputs.first?.tensor)
                #expect(maxDifference(output.floatValues(), reference.output.values) <= reference.outputTolerance)
            }
            try await blocker.value
        }
    }

    @Test("top_k: the request's wins over the version's, both clamped to the class count; without features none return")
    func topK() async throws {
        let audio = try AudioFixture.audio("speech_16k.wav")
        let reference = try #require(AudioFixture.clip("speech_16k.wav").models["time_major"])
        try await withClient { client in
            _ = try await AudioFixture.register(
                .timeMajor, as: AudioFixture.header("kws", classes: AudioFixture.labels(.timeMajor, topK: 3)), on: client)
            for (requested, count) in [(0, 3), (1, 1), (2, 2), (9, 4)] {
                let response = try await client.predict(PredictRequest(name: "kws", audio: audio, topK: Int32(requested)))
                #expect(response.topClasses.map { Int($0.index) } == Array(reference.meanLogProb.order.prefix(count)))
                #expect(response.features == nil)
            }
        }
    }

    enum BadAudio: String, CaseIterable, Sendable {
        case emptyFile, garbage, truncatedHeader, truncatedFLAC, emptyPCM, nanPCM, infinitePCM, raggedPCM, zeroRate
        case tooManyChannels, negativeChannels, hugeRate

        func audio() throws -> PredictRequest.Audio {
            let wav = try AudioFixture.bytes("speech_16k.wav")
            let flac = try AudioFixture.bytes("other_16k.flac")
            switch self {
            case .emptyFile: return .file([])
            case .garbage:
                var generator = SystemRandomNumberGenerator()
                return .file((0..<1000).map { _ in UInt8.random(in: 0...255, using: &generator) })
            case .truncatedHeader: return .file(Array(wav.prefix(20)))
            case .truncatedFLAC: return .file(Array(flac.prefix(flac.count / 2)))
            case .emptyPCM: return .pcm(RawAudio(sampleRate: 16000, samples: []))
            case .nanPCM: return .pcm(RawAudio(sampleRate: 16000, samples: Self.floats(count: 800, poisoned: 123, with: .nan)))
            case .infinitePCM: return .pcm(RawAudio(sampleRate: 16000, samples: Self.floats(count: 800, poisoned: 7, with: -.infinity)))
            case .raggedPCM: return .pcm(RawAudio(sampleRate: 16000, samples: [0, 0, 0, 0, 0, 0]))
            case .zeroRate: return .pcm(RawAudio(sampleRate: 0, samples: Self.floats(count: 800, poisoned: nil, with: 0)))
            case .tooManyChannels: return .pcm(RawAudio(sampleRate: 16000, channels: 65, samples: Self.floats(count: 65 * 4, poisoned: nil, with: 0)))
            case .negativeChannels: return .pcm(RawAudio(sampleRate: 16000, channels: -2, samples: Self.floats(count: 8, poisoned: nil, with: 0)))
            case .hugeRate: return .pcm(RawAudio(sampleRate: 1_000_000_000, samples: Self.floats(count: 800, poisoned: nil, with: 0)))
            }
        }

        /// What the error must name.
        var named: String {
            switch self {
            case .emptyFile, .emptyPCM: "empty"
            case .garbage, .truncatedHeader, .truncatedFLAC: "not a readable"
            case .nanPCM: "sample 123 is NaN or infinite"
            case .infinitePCM: "sample 7 is NaN or infinite"
            case .raggedPCM: "not a whole number"
            case .zeroRate: "sampleRate"
            case .tooManyChannels: "invalid channels: must be between 1 and 64, got 65"
            case .negativeChannels: "invalid channels: must be between 1 and 64, got -2"
            case .hugeRate: "invalid sampleRate: must be between 1 and 768000 Hz"
            }
        }

        private static func floats(count: Int, poisoned index: Int?, with value: Float) -> [UInt8] {
            var samples = (0..<count).map { Float(sin(Double($0) * 0.05) * 0.5) }
            if let index { samples[index] = value }
            return samples.flatMap { withUnsafeBytes(of: $0.bitPattern.littleEndian, Array.init) }
        }
    }

    @Test("audio that cannot be decoded is INVALID_ARGUMENT naming the problem, and the server keeps serving",
          arguments: BadAudio.allCases)
    func badAudio(_ bad: BadAudio) async throws {
        let good = try AudioFixture.audio("speech_16k.wav")
        try await withClient { client in
            _ = try await AudioFixture.register(.timeMajor, as: AudioFixture.header("kws"), on: client)
            let error = await failure { _ = try await client.predict(PredictRequest(name: "kws", audio: try bad.audio())) }
            #expect(error?.code == .invalidArgument)
            #expect(error?.message.contains(bad.named) == true, "\(error?.message ?? "no error")")
            #expect(try await client.predict(PredictRequest(name: "kws", audio: good)).outputs.count == 1)
        }
    }

    @Test("a clip longer than the server's maxAudioSeconds is INVALID_ARGUMENT, as a file or as PCM",
          arguments: ["speech_16k.wav", "mono_16k.f32"])
    func tooLong(clipName: String) async throws {
        let audio = try AudioFixture.audio(clipName)
        try await withClient({ $0.maxAudioSeconds = 0.3 }) { client in
            _ = try await AudioFixture.register(.timeMajor, as: AudioFixture.header("kws"), on: client)
            let error = await failure { _ = try await client.predict(PredictRequest(name: "kws", audio: audio)) }
            #expect(error?.code == .invalidArgument)
            #expect(error?.message.contains("over the limit of 0.3") == true, "\(error?.message ?? "no error")")
        }
    }

    @Test("audio sent to a tensor-only version is FAILED_PRECONDITION naming its inputs")
    func audioToTensorOnlyVersion() async throws {
        let audio = try AudioFixture.audio("speech_16k.wav")
        try await withClient { client in
            let path = MLPFixture.directory.appendingPathComponent("mlp.onnx").path
            let version = try await client.registerModel(header: ModelHeader(name: "mlp"), fileAt: path)
            #expect(version.audio == nil && version.classes == nil)
            let error = await failure { _ = try await client.predict(PredictRequest(name: "mlp", audio: audio)) }
            #expect(error?.code == .failedPrecondition)
            #expect(error?.message.contains("no audio front-end") == true, "\(error?.message ?? "no error")")
            #expect(error?.message.contains("'x'") == true)
        }
    }

    @Test("include_features without audio, and audio plus the tensor it computes, are INVALID_ARGUMENT")
    func audioAndTensorsDoNotMix() async throws {
        let audio = try AudioFixture.audio("speech_16k.wav")
        let features = NamedTensor(name: "mfcc", tensor: Tensor(shape: [2, 1, 13], floats: [Float](repeating: 0, count: 26)))
        try await withClient { client in
            _ = try await AudioFixture.register(.timeMajor, as: AudioFixture.header("kws"), on: client)
            let tensorsWithFeatures = await failure {
                _ = try await client.predict(PredictRequest(name: "kws", inputs: [features], includeFeatures: true))
            }
            #expect(tensorsWithFeatures?.code == .invalidArgument)
            #expect(tensorsWithFeatures?.message.contains("include_features") == true)
            let both = await failure {
                _ = try await client.predict(PredictRequest(name: "kws", inputs: [features], audio: audio))
            }
            #expect(both?.code == .invalidArgument)
            #expect(both?.message.contains("computed from the audio") == true)
        }
    }

    /// Registrations whose config cannot fit the model, and what the refusal must name.
    static let misfits: [(label: String, model: Model, header: ModelHeader, named: String)] = {
        var twentyCoefficients = AudioConfig(features: .speech16k)
        twentyCoefficients.features.nMFCC = 20
        var wrongInput = AudioFixture.frontEnd()
        wrongInput.input = "spectrogram"
        var noFFT = AudioFixture.frontEnd()
        noFFT.nFFT = 1
        return [
            ("ambiguous layout", .ambiguous, AudioFixture.header("m"), "set \"layout\""),
            ("20 coefficients for a 13-feature input", .timeMajor,
             AudioFixture.header("m", audio: twentyCoefficients.frontEnd), "takes 13 features per frame"),
            ("no such input", .timeMajor, AudioFixture.header("m", audio: wrongInput), "names input 'spectrogram'"),
            ("front-end that cannot work", .timeMajor, AudioFixture.header("m", audio: noFFT), "nFFT"),
            ("3 names for 4 classes", .timeMajor,
             AudioFixture.header("m", classes: ClassLabels(names: ["a", "b", "c"])), "has 4 classes"),
            ("CTC blank on a clip-level output", .clipLevel,
             AudioFixture.header("m", classes: ClassLabels(names: ["a", "b", "c", "d"], ctcBlank: 0)), "ctcBlank"),
            ("no such output", .timeMajor,
             AudioFixture.header("m", classes: ClassLabels(names: ["a", "b", "c", "d"], output: "nope")), "names output 'nope'"),
            ("duplicate names", .timeMajor,
             AudioFixture.header("m", classes: ClassLabels(names: ["a", "b", "a", "d"])), "names must be unique"),
        ]
    }()

    @Test("a config that cannot fit the model is INVALID_ARGUMENT at registration and makes no version",
          arguments: misfits.indices)
    func refusedAtRegistration(case index: Int) async throws {
        let misfit = Self.misfits[index]
        try await withClient { client in
            let error = await failure { _ = try await AudioFixture.register(misfit.model, as: misfit.header, on: client) }
            #expect(error?.code == .invalidArgument, "\(misfit.label)")
            #expect(error?.message.contains(misfit.named) == true, "\(misfit.label): \(error?.message ?? "no error")")
            let listed = await failure { _ = try await client.listVersions(name: "m") }
            #expect(listed?.code == .notFound, "\(misfit.label): a version was made")
        }
    }

    @Test("a model file's maas.audio / maas.classes metadata configures a version whose header has none; a header part wins")
    func metadataConfigures() async throws {
        let audio = try AudioFixture.audio("speech_16k.wav")
        let reference = try #require(AudioFixture.clip("speech_16k.wav").models["time_major"])
        let names = AudioFixture.manifest.metadataClasses
        try await withClient { client in
            let version = try await AudioFixture.register(
                .withMetadata, as: AudioFixture.header("tagged", audio: nil, classes: nil), on: client)
            var frontEnd = AudioFixture.frontEnd(layout: .timeMajor)
            frontEnd.input = "mfcc"
            #expect(version.audio == frontEnd)
            #expect(version.classes == ClassLabels(names: names, output: "probs", clipDecision: .lastFrame, topK: 2))
            let response = try await client.predict(PredictRequest(name: "tagged", audio: audio))
            #expect(response.topClasses.map(\.label) == reference.lastFrame.order.prefix(2).map { names[$0] })

            let relabelled = try await AudioFixture.register(
                .withMetadata, as: AudioFixture.header("tagged", audio: nil, classes: AudioFixture.labels(.timeMajor)),
                on: client)
            #expect(relabelled.audio == frontEnd)
            #expect(relabelled.classes?.names == AudioFixture.manifest.classes)
            #expect(relabelled.classes?.clipDecision == .meanLogProb)
            let answer = try await client.predict(PredictRequest(name: "tagged", audio: audio))
            #expect(answer.topClasses.map(\.label)
                == reference.meanLogProb.order.prefix(4).map { AudioFixture.manifest.classes[$0] })
        }
    }

    @Test("a version's audio front-end and labels survive a restart and still answer")
    func survivesRestart() async throws {
        let audio = try AudioFixture.audio("other_16k.flac")
        let clip = AudioFixture.clip("other_16k.flac")
        try await withTemporaryDirectory { directory in
            let before = try await AudioFixture.withServer(dataDirectory: directory) { port in
                let client = try await MaaSClient.connect(host: "127.0.0.1", port: port)
                let header = AudioFixture.header("ctc", classes: AudioFixture.labels(.ctcLogits))
                _ = try await AudioFixture.register(.ctcLogits, as: header, on: client)
                let versions = try await client.listVersions(name: "ctc")
                await client.close()
                return versions
            }
            #expect(before.first?.audio?.layout == .timeMajor)
            try await AudioFixture.withServer(dataDirectory: directory) { port in
                let client = try await MaaSClient.connect(host: "127.0.0.1", port: port)
                #expect(try await client.listVersions(name: "ctc") == before)
                let response = try await client.predict(PredictRequest(name: "ctc", audio: audio))
                #expect(response.transcript == clip.models["ctc_logits"]?.transcript)
                await client.close()
            }
        }
    }

    private func withClient(
        _ configure: (inout ServerConfiguration) -> Void = { _ in }, _ body: @Sendable (MaaSClient) async throws -> Void
    ) async throws {
        try await TestServer.with(configure) { _, port in
            let client = try await MaaSClient.connect(host: "127.0.0.1", port: port)
            do {
                try await body(client)
            } catch {
                await client.close()
                throw error
            }
            await client.close()
        }
    }

    /// The RPCError `body` throws; nil (and a recorded issue) when it succeeds or throws something else.
    private func failure(_ body: () async throws -> Void) async -> RPCError? {
        do {
            try await body()
            Issue.record("expected an RPCError, got success")
        } catch let error as RPCError {
            return error
        } catch {
            Issue.record("expected an RPCError, got \(error)")
        }
        return nil
    }
}
