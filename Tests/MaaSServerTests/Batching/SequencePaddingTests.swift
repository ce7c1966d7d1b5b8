import Dispatch
import MaaSEngine
import Testing

@testable import MaaSServer

/// Batching sequences of different lengths, on the exported models of the engine's fixtures (PyTorch and
/// Keras LSTMs and GRUs, bidirectional, a CNN+GRU; each checked against ONNX Runtime in MaaSEngineTests).
/// Whatever the model, a request's answer in a batch must equal its answer alone.
@Suite("Sequence padding", .timeLimit(.minutes(2)))
struct SequencePaddingTests {
    /// The layout a tensor-only version of the model gets, as the server finds it.
    private static func layout(_ model: LoadedModel) -> BatchLayout? {
        BatchQueues.candidates(model: model, audio: nil).lazy.compactMap {
            BatchLayout.probe(model, inputAxes: $0.inputAxes, sequence: $0.sequence)
        }.first
    }

    struct Expectation: Sendable, CustomTestStringConvertible {
        let model: String
        let batchAxis: Int
        /// nil: requests of different lengths must not share a batch; else the outputs cut back per request.
        let padded: [String: Int]?
        /// Whether the padded rows need their lengths given to the recurrent layers.
        var rowLengths = false
        var testDescription: String { model }
    }

    static let expectations: [Expectation] = [
        // Forward LSTMs scored frame by frame: causal, so padding at the end changes no frame before it.
        .init(model: "reference_speech", batchAxis: 1, padded: ["probabilities": 0]),  // [T, B, 20] → [T, B, 10]
        .init(model: "keras_lstm", batchAxis: 0, padded: ["probabilities": 1]),  // [B, T, 20] → [B, T, 10]
        // Each frame's output reads the whole clip, backwards too: the reverse pass must start at each row's
        // own last frame (sequence_lens).
        .init(model: "bidirectional_lstm", batchAxis: 1, padded: ["log_probabilities": 0], rowLengths: true),
        // One answer per clip from the second LSTM's final state (Y_h): with sequence_lens it is each row's own.
        .init(model: "two_layer_lstm", batchAxis: 1, padded: [:], rowLengths: true),
        // One answer per clip from the last step's output (zero past a row's length), a mean over time, or
        // after pooling (the GRU's steps are not the input's): padding changes it either way.
        .init(model: "gru_classifier", batchAxis: 1, padded: nil),
        .init(model: "pytorch_gru", batchAxis: 1, padded: nil),
        .init(model: "pytorch_lstm_layout1", batchAxis: 0, padded: nil),
        .init(model: "cnn_gru", batchAxis: 0, padded: nil),
    ]

    @Test("the probe finds the batch axis of an input with two dynamic axes, and pads only where no row changes",
          arguments: expectations)
    func probe(_ expected: Expectation) throws {
        let model = try EngineModelFixtures.load(expected.model)
        let layout = try #require(Self.layout(model))
        let input = try #require(model.inputs.first?.name)
        #expect(layout.inputAxes == [input: expected.batchAxis])
        #expect(layout.padding?.outputAxes == expected.padded)
        #expect(layout.padding?.rowLengths == (expected.padded == nil ? nil : expected.rowLengths))
        if let padding = layout.padding {
            #expect(padding.input == input)
            #expect(padding.inputAxis != expected.batchAxis)
        }
    }

    @Test("requests of different lengths under load answer exactly as alone (1e-5), padded or grouped by length",
          arguments: expectations)
    func batchedEqualsAlone(_ expected: Expectation) async throws {
        let model = try EngineModelFixtures.load(expected.model)
        let layout = try #require(Self.layout(model))
        let signature = try #require(model.inputs.first)
        let sequenceAxis = try #require(signature.shape.indices.first { signature.shape[$0] < 0 && $0 != expected.batchAxis })
        // 24 and 40 steps may share a padded batch (80 frames for 64 real); 24 and 90 may not (180 for 114).
        let lengths = [40, 24, 33, 40, 90, 24, 33, 37, 40, 24, 90, 31]
        let requests = lengths.enumerated().map { index, length in
            var shape = signature.shape.map { $0 < 0 ? 1 : $0 }
            shape[sequenceAxis] = length
            return ["\(signature.name)": Self.values(shape: shape, seed: index)]
        }
        let statistics = try await Self.runQueued(requests, model: model, layout: layout) { index in
            "request \(index) (\(lengths[index]) steps)"
        }
        #expect(statistics.rows == requests.count)
        if expected.padded != nil {
            // In arrival order, while padding stays within a quarter of the real frames: 40, 24, 33, 40, 24, 33,
            // 37, 40 (8 rows: 320 frames for 271; the first 90 would have made it 450 for 317), then 90, 90 (the
            // 24 would have made 180 for 114, the 31 270 for 211), then 24, 31 (62 for 55).
            #expect(statistics.batches == 3)
            #expect(statistics.paddedBatches == 2)
            #expect(statistics.paddingFrames == (320 - 271) + (62 - 55))
        } else {
            // One batch per length: 40 ×3, 24 ×3, 33 ×2, 90 ×2, 37, 31.
            #expect(statistics.paddedBatches == 0)
            #expect(statistics.batches == 6)
        }
    }

    @Test("requests of several rows each pad as a block, and their row lengths repeat for each of their rows",
          arguments: ["reference_speech", "two_layer_lstm", "bidirectional_lstm"])
    func severalRowsPerRequest(model name: String) async throws {
        let model = try EngineModelFixtures.load(name)
        let layout = try #require(Self.layout(model))
        let padding = try #require(layout.padding)
        let signature = try #require(model.inputs.first)
        let batchAxis = try #require(layout.inputAxes[signature.name])
        // (rows, steps): 6 rows padded to 40 steps, 240 frames for 221.
        let shapes = [(2, 40), (1, 33), (3, 36)]
        let requests = shapes.enumerated().map { index, shape in
            var dims = signature.shape.map { $0 < 0 ? 1 : $0 }
            dims[batchAxis] = shape.0
            dims[padding.inputAxis] = shape.1
            return [signature.name: Self.values(shape: dims, seed: 50 + index)]
        }
        #expect(layout.rowLengths(rows: shapes.map(\.0), lengths: shapes.map(\.1)) == (padding.rowLengths ? [40, 40, 33, 36, 36, 36] : nil))
        let statistics = try await Self.runQueued(requests, model: model, layout: layout) { "request \($0)" }
        #expect(statistics.batches == 1)
        #expect(statistics.paddingFrames == 240 - 221)
    }

    @Test("a request joins a padded batch only while padding stays within a quarter of the real frames", arguments: [
        (rows: 1, length: 40, batchRows: 1, longest: 24, frames: 24, fits: true),  // 80 padded for 64 real: a quarter
        (rows: 1, length: 90, batchRows: 1, longest: 24, frames: 24, fits: false),  // 180 for 114
        (rows: 1, length: 24, batchRows: 1, longest: 90, frames: 90, fits: false),
        (rows: 1, length: 10, batchRows: 3, longest: 20, frames: 60, fits: true),  // 80 for 70
        (rows: 1, length: 4, batchRows: 1, longest: 5, frames: 5, fits: true),  // 10 for 9
        (rows: 1, length: 3, batchRows: 1, longest: 5, frames: 5, fits: true),  // 10 for 8: exactly a quarter
        (rows: 1, length: 2, batchRows: 1, longest: 5, frames: 5, fits: false),  // 10 for 7
        (rows: 4, length: 50, batchRows: 0, longest: 0, frames: 0, fits: true),  // an empty batch takes anything
        (rows: 2, length: 0, batchRows: 2, longest: 0, frames: 0, fits: true),  // a layout that pads nothing
    ])
    func fits(_ c: (rows: Int, length: Int, batchRows: Int, longest: Int, frames: Int, fits: Bool)) {
        #expect(SequencePadding.fits(rows: c.rows, length: c.length, batchRows: c.batchRows, longest: c.longest, frames: c.frames) == c.fits)
    }

    @Test("pads the sequence input at its end with zeros and cuts outputs back, leaving other axes alone")
    func padAndTrim() throws {
        let padding = SequencePadding(input: "x", inputAxis: 0, outputAxes: ["y": 1])
        // [T=2, B=1, F=2] padded to T=4.
        let x = HostTensor(shape: [2, 1, 2], floats: [1, 2, 3, 4])
        let other = HostTensor(shape: [1], floats: [9])
        let padded = padding.padded(["x": x, "other": other], to: 4)
        #expect(padded["x"] == HostTensor(shape: [4, 1, 2], floats: [1, 2, 3, 4, 0, 0, 0, 0]))
        #expect(padded["other"] == other)
        // [B=1, T=4, 2] cut back to 2 steps; an output that does not follow the length is left as it is.
        let y = HostTensor(shape: [1, 4, 2], floats: [1, 2, 3, 4, 5, 6, 7, 8])
        let z = HostTensor(shape: [1, 3], floats: [1, 2, 3])
        let trimmed = try padding.trimmed(["y": y, "z": z], to: 2, longest: 4)
        #expect(trimmed["y"] == HostTensor(shape: [1, 2, 2], floats: [1, 2, 3, 4]))
        #expect(trimmed["z"] == z)
        // An output that does not show the batch's length is an internal error, not a wrong cut.
        #expect(throws: EngineError.self) { try padding.trimmed(["y": y], to: 2, longest: 5) }
        #expect(throws: EngineError.self) { try padding.trimmed(["z": z], to: 2, longest: 4) }
    }

    /// Runs `requests` through a batch queue of `layout` (at most 8 rows a batch), queued one at a time in this
    /// order behind the held only worker so that the batches are formed in arrival order; expects each answer
    /// to equal that request run alone (1e-5), and returns the queue's statistics.
    private static func runQueued(
        _ requests: [[String: HostTensor]], model: LoadedModel, layout: BatchLayout, describe: (Int) -> String
    ) async throws -> BatchStatistics {
        let pool = InferencePool(workers: 1, queueDepth: 64)
        pool.start()
        let queue = BatchQueue(
            model: model, layout: layout,
            settings: .init(maxBatchSize: 8, maxQueueDelay: .zero, maxInFlight: 1, maxWaiting: 64), pool: pool)
        let gate = DispatchSemaphore(value: 0)
        let blocker = Task { try await pool.run { gate.wait() } }
        try await eventually { pool.admittedJobs == 1 }
        var tasks: [Task<[String: HostTensor], any Error>] = []
        for (index, request) in requests.enumerated() {
            tasks.append(Task { try await queue.run(request) })
            try await eventually { queue.waitingRequests == index + 1 }
        }
        gate.signal()
        try await blocker.value
        for (index, (task, request)) in zip(tasks, requests).enumerated() {
            let batched = try await task.value
            let alone = try model.run(request)
            #expect(Set(batched.keys) == Set(alone.keys))
            for (name, tensor) in alone {
                let got = try #require(batched[name])
                #expect(got.shape == tensor.shape, "\(describe(index)), output \(name)")
                let difference = zip(try #require(got.floats), try #require(tensor.floats)).map { abs($0 - $1) }.max() ?? 0
                #expect(difference <= 1e-5, "\(describe(index)), output \(name)")
            }
        }
        await pool.shutdown()
        return queue.statistics
    }

    private static func values(shape: [Int], seed: Int) -> HostTensor {
        var state = UInt64(seed + 1) &* 0x9E37_79B9_7F4A_7C15 | 1
        let values = (0..<shape.reduce(1, *)).map { _ -> Float in
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Float(Int64(bitPattern: state >> 11) % 2000) / 1000
        }
        return HostTensor(shape: shape, floats: values)
    }
}
