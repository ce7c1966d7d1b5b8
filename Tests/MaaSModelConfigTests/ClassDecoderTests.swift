import Foundation
import MaaSModelConfig
import MaaSProtocol
import Testing

@Suite("ClassDecoder")
struct ClassDecoderTests {
    static let names = ["a", "b", "c"]

    static func decoder(
        _ scores: ClassBinding.Scores, layout: FeatureLayout = .timeMajor, decision: ClipDecision = .meanLogProb,
        names: [String] = names, blank: Int? = nil
    ) -> ClassDecoder {
        ClassDecoder(
            classes: ClassesConfig(names: names, clipDecision: decision, ctcBlank: blank),
            binding: ClassBinding(output: "y", scores: scores, frameLayout: scores == .perFrame ? layout : .unspecified))
    }

    /// Probabilities by class index from an answer's top list.
    static func byIndex(_ answer: ClassDecoder.Answer?) -> [Int: Float] {
        Dictionary(uniqueKeysWithValues: (answer?.top ?? []).map { (Int($0.index), $0.probability) })
    }

    static func softmax(_ values: [Double]) -> [Double] {
        let exps = values.map { exp($0 - values.max()!) }
        return exps.map { $0 / exps.reduce(0, +) }
    }

    @Test("per-clip probabilities are returned as they are, best first, with their labels")
    func perClipProbabilities() throws {
        let answer = try #require(try Self.decoder(.perClip).answer(values: [0.2, 0.5, 0.3], shape: [1, 3], topK: 5))
        #expect(answer.top == [
            ClassScore(index: 1, label: "b", probability: 0.5), ClassScore(index: 2, label: "c", probability: 0.3),
            ClassScore(index: 0, label: "a", probability: 0.2),
        ])
        #expect(answer.transcript == nil)
    }

    @Test("per-clip logits (not a distribution) go through a softmax", arguments: [
        [1.0, 2.0, 3.0], [-0.5, 0.25, 0.25], [0.9, 0.05, 0.2], [10, -10, 0],
    ] as [[Double]])
    func perClipLogits(logits: [Double]) throws {
        let answer = try Self.decoder(.perClip).answer(values: logits.map(Float.init), shape: [3], topK: 3)
        let expected = Self.softmax(logits)
        for (index, probability) in Self.byIndex(answer) {
            #expect(abs(Double(probability) - expected[index]) <= 1e-6)
        }
    }

    /// Three frames of probabilities; the last frame prefers c, the mean of logs prefers a.
    static let frames: [Float] = [
        0.7, 0.2, 0.1,
        0.6, 0.3, 0.1,
        0.3, 0.2, 0.5,
    ]

    @Test("per-frame probabilities: the clip is the softmax of the mean log-probability, or the last frame", arguments: [
        ClipDecision.meanLogProb, .lastFrame,
    ])
    func perFrameDecisions(decision: ClipDecision) throws {
        let answer = try Self.decoder(.perFrame, decision: decision).answer(values: Self.frames, shape: [3, 1, 3], topK: 3)
        let expected: [Double]
        if decision == .lastFrame {
            expected = [0.3, 0.2, 0.5]
        } else {
            let logs = (0..<3).map { c in (0..<3).map { t in log(Double(Self.frames[t * 3 + c])) }.reduce(0, +) / 3 }
            expected = Self.softmax(logs)
        }
        let probabilities = Self.byIndex(answer)
        for index in 0..<3 {
            #expect(abs(Double(probabilities[index] ?? -1) - expected[index]) <= 1e-6)
        }
        #expect(answer?.top.first?.label == (decision == .lastFrame ? "c" : "a"))
    }

    /// The decoder checks the range of scores over the whole buffer, eight at a time, and the sums row by row:
    /// one score out of [0, 1] anywhere (in the vector part or the tail) makes the scores logits, even when
    /// every row still sums to 1.
    @Test("rows summing to 1 are logits when one score anywhere is below 0 or above 1", arguments: [3, 5])
    func oneScoreOutOfRange(rows: Int) throws {
        let names = ["a", "b", "c", "d", "e"]
        let base: [Float] = [0.4, 0.3, 0.15, 0.1, 0.05]
        let distribution = (0..<rows).flatMap { row in (0..<5).map { base[($0 + row) % 5] } }
        let decoder = Self.decoder(.perFrame, names: names)
        func answer(_ values: [Float]) throws -> [Int: Float] {
            Self.byIndex(try decoder.answer(values: values, shape: [rows, 1, 5], topK: 5))
        }
        func expectClose(_ got: [Int: Float], _ expected: [Double], _ comment: Comment) {
            for index in 0..<5 { #expect(abs(Double(got[index] ?? -1) - expected[index]) <= 1e-6, comment) }
        }
        let meanLogs = (0..<5).map { c in (0..<rows).map { log(Double(distribution[$0 * 5 + c])) }.reduce(0, +) / Double(rows) }
        expectClose(try answer(distribution), Self.softmax(meanLogs), "the unchanged rows are probabilities")
        for position in distribution.indices {
            for shift: Float in [-0.5, 0.7] {
                var values = distribution
                let partner = position / 5 * 5 + (position % 5 + 1) % 5
                values[position] = shift < 0 ? -0.02 : 1.02
                values[partner] = 0
                let rest = (position / 5 * 5..<position / 5 * 5 + 5).filter { $0 != position && $0 != partner }
                let remainder = 1 - Double(values[position]) - rest.reduce(0.0) { $0 + Double(values[$1]) }
                values[partner] = Float(remainder)
                let meanScores = (0..<5).map { c in (0..<rows).map { Double(values[$0 * 5 + c]) }.reduce(0, +) / Double(rows) }
                expectClose(try answer(values), Self.softmax(meanScores), "score \(values[position]) at \(position)")
            }
            // Just above 1, alone in its row: the row's sum (1.0008) is within the 1e-3 a distribution may be off.
            var values = distribution
            for index in position / 5 * 5..<position / 5 * 5 + 5 { values[index] = index == position ? 1.0008 : 0 }
            let meanScores = (0..<5).map { c in (0..<rows).map { Double(values[$0 * 5 + c]) }.reduce(0, +) / Double(rows) }
            expectClose(try answer(values), Self.softmax(meanScores), "1.0008 alone at \(position)")
        }
    }

    /// Scratch for the clip decision is a temporary allocation, on the stack only when small: 3,000 classes
    /// (24 KB of sums) may take the heap.
    @Test("3,000 classes over 7 frames: probabilities and logits both match the per-frame reference",
          arguments: [true, false])
    func manyClasses(asProbabilities: Bool) throws {
        func softmax(_ values: [Double]) -> [Double] {
            let peak = values.max()!
            let exps = values.map { exp($0 - peak) }
            let total = exps.reduce(0, +)
            return exps.map { $0 / total }
        }
        let columns = 3000, rows = 7
        let names = (0..<columns).map { "c\($0)" }
        var logits = [[Double]]()
        for row in 0..<rows { logits.append((0..<columns).map { sin(Double($0 * (row + 3)) * 0.37) * 4 }) }
        let frames = asProbabilities ? logits.map(softmax) : logits
        let values = frames.flatMap { $0.map(Float.init) }
        let decoder = Self.decoder(.perFrame, names: names)
        let answer = try #require(try decoder.answer(values: values, shape: [rows, 1, columns], topK: 5))
        // The reference: the softmax of each column's mean per-frame log-softmax, in Double.
        let logs = frames.map { row in softmax(row.map { asProbabilities ? log(max($0, 1e-30)) : $0 }).map(log) }
        let expected = softmax((0..<columns).map { c in (0..<rows).map { logs[$0][c] }.reduce(0, +) / Double(rows) })
        let best = expected.indices.sorted { expected[$0] > expected[$1] }.prefix(5)
        #expect(answer.top.map { Int($0.index) } == Array(best))
        for score in answer.top { #expect(abs(Double(score.probability) - expected[Int(score.index)]) <= 1e-5) }
    }

    @Test("per-frame logits are normalized per frame before the mean of logs")
    func perFrameLogits() throws {
        let logits: [Float] = [2, 0, -1, 1, 1, 0]
        let answer = try Self.decoder(.perFrame, layout: .batchMajor).answer(values: logits, shape: [1, 2, 3], topK: 3)
        let logs = [Self.softmax([2, 0, -1]), Self.softmax([1, 1, 0])].map { $0.map(log) }
        let expected = Self.softmax((0..<3).map { (logs[0][$0] + logs[1][$0]) / 2 })
        for (index, probability) in Self.byIndex(answer) {
            #expect(abs(Double(probability) - expected[index]) <= 1e-6)
        }
    }

    @Test("long clips: the mean log-probability equals the sum of per-value logs, including probabilities at the 1e-30 floor",
          arguments: [1, 7, 8, 9, 61, 2_600])
    func longClips(frames: Int) throws {
        // Three classes per frame: a distribution with one class near zero (some at exactly 0, floored at
        // 1e-30), so that products of 8 rows reach the smallest magnitudes the chunking must survive.
        var state: UInt64 = 0x2545_F491_4F6C_DD1D
        var values: [Float] = []
        for frame in 0..<frames {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            let tiny: Float = frame % 5 == 0 ? 0 : Float(state >> 40) / Float(1 << 24) * 1e-6
            let a = Float(state >> 11 & 0xFFFF) / 65_536 * (1 - tiny)
            values += [a, 1 - tiny - a, tiny]
        }
        let answer = try Self.decoder(.perFrame).answer(values: values, shape: [frames, 1, 3], topK: 3)
        let means = (0..<3).map { c in
            (0..<frames).map { t in log(max(Double(values[t * 3 + c]), 1e-30)) }.reduce(0, +) / Double(frames)
        }
        let expected = Self.softmax(means)
        let probabilities = Self.byIndex(answer)
        #expect(probabilities.count == 3)
        for index in 0..<3 {
            // Relative: the third class's probability is tiny, and an underflow would make it 0 or NaN.
            #expect(abs(Double(probabilities[index] ?? -1) - expected[index]) <= 1e-5 * expected[index], "class \(index)")
        }
    }

    @Test("long clips of logits: the answer is the softmax of the mean log-softmax, computed per frame in Double",
          arguments: [1, 9, 61, 2_600])
    func longLogitClips(frames: Int) throws {
        // Logits of very different scales per frame (log-softmax outputs are negative, raw logits of any sign).
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        var values: [Float] = []
        for frame in 0..<frames {
            let scale = Float([0.1, 1, 10, 40][frame % 4])
            for _ in 0..<4 {
                state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                values.append((Float(state >> 40) / Float(1 << 24) - 0.5) * scale - (frame % 3 == 0 ? 25 : 0))
            }
        }
        let answer = try Self.decoder(.perFrame, names: ["a", "b", "c", "d"]).answer(values: values, shape: [frames, 1, 4], topK: 4)
        var means = [Double](repeating: 0, count: 4)
        for t in 0..<frames {
            let row = (0..<4).map { Double(values[t * 4 + $0]) }
            let peak = row.max()!
            let logTotal = peak + log(row.map { exp($0 - peak) }.reduce(0, +))
            for c in 0..<4 { means[c] += (row[c] - logTotal) / Double(frames) }
        }
        let expected = Self.softmax(means)
        let probabilities = Self.byIndex(answer)
        #expect(probabilities.count == 4)
        for index in 0..<4 {
            #expect(abs(Double(probabilities[index] ?? -1) - expected[index]) <= 1e-5 * max(expected[index], 1e-3), "class \(index)")
        }
    }

    @Test("equal probabilities keep class order")
    func ties() throws {
        let answer = try Self.decoder(.perClip).answer(values: [0.25, 0.375, 0.375], shape: [1, 3], topK: 3)
        #expect(answer?.top.map(\.index) == [1, 2, 0])
        let even = try Self.decoder(.perClip).answer(values: [1, 1, 1], shape: [3], topK: 3)
        #expect(even?.top.map(\.index) == [0, 1, 2])
    }

    @Test("top-k is clamped to 1...classes", arguments: [(0, 1), (1, 1), (2, 2), (3, 3), (4, 3), (1000, 3), (-5, 1)])
    func topKClamps(requested: Int, count: Int) throws {
        let answer = try Self.decoder(.perClip).answer(values: [0.2, 0.5, 0.3], shape: [1, 3], topK: requested)
        #expect(answer?.top.map(\.index) == Array([1, 2, 0].prefix(count)))
    }

    @Test("greedy CTC: best class per frame, repeats collapsed, blanks dropped, labels joined", arguments: [
        ([1, 1, 0, 1, 2, 2, 0, 0, 3], 0, "aabc"),
        ([0, 0, 0], 0, ""),
        ([2, 2, 2], 0, "b"),
        ([3, 1, 3, 1, 1, 2], 3, "aab"),
        ([1], 0, "a"),
    ] as [([Int], Int, String)])
    func greedyCTC(path: [Int], blank: Int, text: String) throws {
        let names = ["", "a", "b", "c"].enumerated().map { $0.offset == blank ? "" : ["_", "a", "b", "c"][$0.offset] }
        var values: [Float] = []
        for best in path {
            // Logits: the best class 2 above a random-looking rest, so only the argmax matters.
            values += (0..<4).map { Float($0 == best ? 2 : Double(($0 * 7 + path.count) % 5) / 10) }
        }
        let decoder = Self.decoder(.perFrame, names: names, blank: blank)
        let answer = try decoder.answer(values: values, shape: [path.count, 1, 4], topK: 2)
        #expect(answer?.transcript == text)
    }

    @Test("a batch of several clips, a ragged buffer or a non-finite score gets no answer", arguments: [
        (ClassBinding.Scores.perClip, FeatureLayout.unspecified, [2, 3]),
        (.perFrame, .timeMajor, [2, 2, 3]),
        (.perFrame, .batchMajor, [2, 2, 3]),
        (.perFrame, .unspecified, [2, 2, 3]),
    ] as [(ClassBinding.Scores, FeatureLayout, [Int])])
    func noAnswer(scores: ClassBinding.Scores, layout: FeatureLayout, shape: [Int]) throws {
        let decoder = Self.decoder(scores, layout: layout)
        let count = shape.reduce(1, *)
        let values = (0..<count).map { Float($0 % 3) / 3 }
        #expect(try decoder.answer(values: values, shape: shape, topK: 3) == nil)
        #expect(try decoder.answer(values: [0.2, 0.5], shape: [1, 3], topK: 3) == nil)
        #expect(try Self.decoder(.perClip).answer(values: [0.2, .nan, 0.3], shape: [1, 3], topK: 3) == nil)
        #expect(try Self.decoder(.perClip).answer(values: [0.2, .infinity, 0.3], shape: [1, 3], topK: 3) == nil)
    }

    @Test("scores with another class count are an error naming the output")
    func wrongClassCount() {
        #expect(throws: ConfigError("output 'y' has shape [1, 4] but the version's classes config names 3 classes")) {
            try Self.decoder(.perClip).answer(values: [0.1, 0.2, 0.3, 0.4], shape: [1, 4], topK: 3)
        }
    }
}
