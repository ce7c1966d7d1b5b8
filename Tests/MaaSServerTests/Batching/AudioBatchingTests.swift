import MaaSAudio
import MaaSClient
import MaaSModelConfig
import MaaSProtocol
import Testing

@testable import MaaSServer

/// Clips of different lengths (the audio fixtures at 16 to 44.1 kHz, mono and stereo, resampled to 22,050 Hz:
/// 26 to 61 frames) sent together to a batched audio version, end to end through a server: each answer
/// equals the same clip's answer from an unbatched version of the same model. The models are exported
/// PyTorch and Keras networks with a dynamic batch axis (MaaSEngineTests' fixtures, 20 MFCC at librosa's
/// defaults).
@Suite("Batching audio of different lengths", .timeLimit(.minutes(1)))
struct AudioBatchingTests {
    /// Each model, its front-end layout, the server's `batchPadding`, the version's own (`BatchingConfig`'s
    /// pad_sequences; nil: the server's), and whether clips of different lengths share padded batches: only
    /// when allowed and the probe saw padding leave the model's answers unchanged.
    static let cases: [(model: String, layout: FeatureLayout, padding: Bool, own: Bool?, pads: Bool)] = [
        ("reference_speech", .timeMajor, true, nil, true),  // [T, B, 20] → [T, B, 10], forward LSTM
        ("reference_speech", .timeMajor, false, nil, false),  // maas serve --no-batch-padding
        ("reference_speech", .timeMajor, true, false, false),  // maas register --no-batch-padding
        ("reference_speech", .timeMajor, false, true, true),  // maas register --batch-padding wins over the server's
        ("keras_lstm", .batchMajor, true, nil, true),  // [B, T, 20] → [B, T, 10]
        ("two_layer_lstm", .timeMajor, true, nil, true),  // → [B, 8] from the final state, given each row's length
        ("pytorch_lstm_layout1", .batchMajor, true, true, false),  // → [B, 4] from a mean over time: never padded
    ]

    @Test("every clip answers as on an unbatched version (1e-5), whether its batch was padded or of one length",
          arguments: cases)
    func answersAsAlone(_ model: String, layout: FeatureLayout, padding: Bool, own: Bool?, pads: Bool) async throws {
        let clips = AudioFixture.manifest.clips
        let path = EngineModelFixtures.path(model)
        try await TestServer.with({
            $0.inferenceWorkers = 1
            $0.inferenceQueueDepth = 32
            // Long enough for every request below to arrive before the first batch starts.
            $0.maxQueueDelay = .milliseconds(200)
            $0.batchPadding = padding
        }) { server, port in
            let client = try await MaaSClient.connect(host: "127.0.0.1", port: port)
            defer { Task { await client.close() } }
            let frontEnd = AudioConfig(features: .librosaDefault, layout: layout).frontEnd
            var batched = AudioFixture.header("batched", audio: frontEnd)
            batched.batching = BatchingConfig(maxBatchSize: 8, padSequences: own)
            var alone = AudioFixture.header("alone", audio: frontEnd)
            alone.batching = BatchingConfig(maxBatchSize: 1)
            _ = try await client.registerModel(header: batched, fileAt: path, chunkSize: 1 << 16)
            _ = try await client.registerModel(header: alone, fileAt: path, chunkSize: 1 << 16)

            var expected: [[Float]] = []
            for clip in clips {
                let response = try await client.predict(PredictRequest(name: "alone", audio: try AudioFixture.audio(clip)))
                expected.append(try #require(response.outputs.first?.tensor).floatValues())
            }
            let requests = Array(clips.indices) + Array(clips.indices)
            let answers = try await withThrowingTaskGroup(of: (Int, [Float]).self) { group in
                for index in requests {
                    group.addTask {
                        let response = try await client.predict(
                            PredictRequest(name: "batched", audio: try AudioFixture.audio(clips[index])))
                        return (index, try #require(response.outputs.first?.tensor).floatValues())
                    }
                }
                var answers: [(Int, [Float])] = []
                for try await answer in group { answers.append(answer) }
                return answers
            }
            for (index, values) in answers {
                #expect(values.count == expected[index].count, "\(clips[index])")
                #expect(maxDifference(values, expected[index]) <= 1e-5, "\(clips[index])")
            }

            let statistics = try #require(await server.batchQueues.statistics().first { $0.version.name == "batched" }?.statistics)
            // Every request went through the queue, and they gathered.
            #expect(statistics.rows == requests.count)
            #expect(statistics.batches < requests.count)
            if pads {
                #expect(statistics.paddedBatches >= 1)
            } else {
                // Five lengths: at least one batch each, none padded.
                #expect(statistics.paddedBatches == 0)
                #expect(statistics.batches >= clips.count)
            }
            #expect(await server.batchQueues.statistics().allSatisfy { $0.version.name != "alone" })
        }
    }
}
