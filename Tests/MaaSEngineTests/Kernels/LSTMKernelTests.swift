import Testing
@testable import MaaSEngine

@Suite("LSTM kernel")
struct LSTMKernelTests {
    @Test("matches onnxruntime", arguments: KernelFixtures.opCases("LSTM"))
    func matchesOnnxRuntime(caseName: String) throws {
        let fixture = KernelFixtures.case(caseName)
        let x = try #require(fixture.nodeInput(0))
        let w = try #require(fixture.nodeInput(1))
        let r = try #require(fixture.nodeInput(2))
        let b = fixture.nodeInput(3)
        let lengths = fixture.nodeInput(4).map { $0.integers.map { Int32($0) } }
        let initialH = fixture.nodeInput(5), initialC = fixture.nodeInput(6)
        let p = fixture.nodeInput(7)
        let layout = RecurrentLayout(rawValue: fixture.int("layout", default: 0))!
        let direction = try #require(recurrentDirection(fixture.string("direction", default: "forward")))
        let dims = LSTMKernel.Dims(
            sequenceLength: layout == .timeMajor ? x.shape[0] : x.shape[1],
            batchSize: layout == .timeMajor ? x.shape[1] : x.shape[0],
            inputSize: x.shape[2], hiddenSize: fixture.int("hidden_size", default: 0),
            direction: direction, layout: layout, hasPeepholes: p != nil, clip: fixture.float("clip"),
            inputForget: fixture.int("input_forget", default: 0) == 1)

        let packed = LSTMKernel.packWeights(w: w.floats, r: r.floats, b: b?.floats, p: p?.floats, dims: dims)
        #expect(packed.count == LSTMKernel.packedWeightCount(for: dims))
        let names = fixture.op!.outputs
        let expectedY = fixture.expected(names[0])
        let expectedH = names.count > 1 ? fixture.expected(names[1]) : nil
        let expectedC = names.count > 2 ? fixture.expected(names[2]) : nil
        var y = [Float](repeating: .nan, count: expectedY?.count ?? 0)
        var finalH = [Float](repeating: .nan, count: expectedH?.count ?? 0)
        var finalC = [Float](repeating: .nan, count: expectedC?.count ?? 0)
        var scratch = [Float](repeating: .nan, count: LSTMKernel.scratchCount(for: dims))

        x.floats.withUnsafeBufferPointer { x in
            packed.withUnsafeBufferPointer { packed in
                withOptionalPointers(lengths, initialH?.floats, initialC?.floats) { lengths, initialH, initialC in
                    withOptionalMutablePointers(&y, &finalH, &finalC) { y, finalH, finalC in
                        LSTMKernel.run(
                            .init(x: x.baseAddress!, weights: packed.baseAddress!, sequenceLengths: lengths,
                                  initialH: initialH, initialC: initialC),
                            .init(y: y, finalH: finalH, finalC: finalC),
                            scratch: &scratch, dims: dims)
                    }
                }
            }
        }
        if let expectedY { #expect(maxAbsoluteDifference(y, expectedY.floats) <= fidelityTolerance, "Y") }
        if let expectedH { #expect(maxAbsoluteDifference(finalH, expectedH.floats) <= fidelityTolerance, "Y_h") }
        if let expectedC { #expect(maxAbsoluteDifference(finalC, expectedC.floats) <= fidelityTolerance, "Y_c") }
        #expect(expectedY != nil || expectedH != nil || expectedC != nil, "the case checks at least one output")
    }

    @Test("packing depends only on the static dimensions")
    func packingIgnoresRuntimeDimensions() {
        let compileTime = LSTMKernel.Dims(sequenceLength: 0, batchSize: 0, inputSize: 5, hiddenSize: 3, direction: .bidirectional)
        let runTime = LSTMKernel.Dims(sequenceLength: 40, batchSize: 8, inputSize: 5, hiddenSize: 3, direction: .bidirectional)
        #expect(LSTMKernel.packedWeightCount(for: compileTime) == LSTMKernel.packedWeightCount(for: runTime))
        #expect(LSTMKernel.packedWeightCount(for: compileTime) == 2 * 12 * 5 + 2 * 12 * 3 + 2 * 12)
    }

    @Test("a batch of sequences gives each row the result it gets alone")
    func batchRowsAreIndependent() {
        let dims1 = LSTMKernel.Dims(sequenceLength: 7, batchSize: 1, inputSize: 4, hiddenSize: 6, direction: .bidirectional)
        var dims4 = dims1
        dims4.batchSize = 4
        let w = deterministicValues(count: 2 * 24 * 4, seed: 1)
        let r = deterministicValues(count: 2 * 24 * 6, seed: 2)
        let b = deterministicValues(count: 2 * 48, seed: 3)
        let x = deterministicValues(count: 7 * 4 * 4, seed: 4)
        let packed = LSTMKernel.packWeights(w: w, r: r, b: b, p: nil, dims: dims4)
        var batched = [Float](repeating: 0, count: 7 * 2 * 4 * 6)
        var scratch = [Float](repeating: 0, count: LSTMKernel.scratchCount(for: dims4))
        LSTMKernel.run(.init(x: x, weights: packed), .init(y: &batched), scratch: &scratch, dims: dims4)
        for row in 0..<4 {
            // X is [T, B, I] and Y is [T, D, B, H]: take this row's slices out of both.
            let single = rows(of: x, blocks: 7, rowsPerBlock: 4, row: row, width: 4)
            var alone = [Float](repeating: 0, count: 7 * 2 * 6)
            var scratch1 = [Float](repeating: 0, count: LSTMKernel.scratchCount(for: dims1))
            LSTMKernel.run(.init(x: single, weights: packed), .init(y: &alone), scratch: &scratch1, dims: dims1)
            let picked = rows(of: batched, blocks: 14, rowsPerBlock: 4, row: row, width: 6)
            #expect(maxAbsoluteDifference(picked, alone) <= 1e-6, "row \(row)")
        }
    }

    struct SliceCase: Sendable, CustomTestStringConvertible {
        let layout: RecurrentLayout, direction: RecurrentDirection, lengths: [Int32]?, initialState: Bool
        var testDescription: String {
            "\(layout) \(direction) lengths=\(lengths.map { "\($0)" } ?? "none") initial=\(initialState)"
        }
    }

    static let sliceCases: [SliceCase] = [
        SliceCase(layout: .timeMajor, direction: .forward, lengths: nil, initialState: false),
        SliceCase(layout: .batchMajor, direction: .bidirectional, lengths: nil, initialState: true),
        SliceCase(layout: .timeMajor, direction: .reverse, lengths: [6, 6, 6, 6, 6], initialState: true),
        SliceCase(layout: .timeMajor, direction: .bidirectional, lengths: [6, 2, 0, 5, 3], initialState: false),
        SliceCase(layout: .batchMajor, direction: .reverse, lengths: [1, 6, 4, 4, 2], initialState: true),
    ]

    @Test("slices of the batch on separate threads give the one-slice result", arguments: sliceCases)
    func batchSlices(slice: SliceCase) {
        let steps = 6, batch = 5, input = 3, hidden = 4
        let dims = LSTMKernel.Dims(sequenceLength: steps, batchSize: batch, inputSize: input, hiddenSize: hidden,
                                   direction: slice.direction, layout: slice.layout, clip: 2.5)
        let d = slice.direction.count
        let w = deterministicValues(count: d * 4 * hidden * input, seed: 41)
        let r = deterministicValues(count: d * 4 * hidden * hidden, seed: 42)
        let b = deterministicValues(count: d * 8 * hidden, seed: 43)
        let x = deterministicValues(count: steps * batch * input, seed: 44).map { $0 * 4 }
        let initial = slice.initialState ? deterministicValues(count: d * batch * hidden, seed: 45) : nil
        let packed = LSTMKernel.packWeights(w: w, r: r, b: b, p: nil, dims: dims)

        func run(_ slices: RowSlices) -> [Float] {
            var y = [Float](repeating: .nan, count: steps * d * batch * hidden)
            var finalH = [Float](repeating: .nan, count: d * batch * hidden), finalC = finalH
            var scratch = [Float](repeating: .nan, count: LSTMKernel.scratchCount(for: dims))
            x.withUnsafeBufferPointer { x in
                packed.withUnsafeBufferPointer { packed in
                    withOptionalPointers(slice.lengths, initial, initial) { lengths, initialH, initialC in
                        withOptionalMutablePointers(&y, &finalH, &finalC) { y, finalH, finalC in
                            LSTMKernel.run(
                                .init(x: x.baseAddress!, weights: packed.baseAddress!, sequenceLengths: lengths,
                                      initialH: initialH, initialC: initialC),
                                .init(y: y, finalH: finalH, finalC: finalC), scratch: &scratch, dims: dims,
                                slices: slices)
                        }
                    }
                }
            }
            return y + finalH + finalC
        }
        let whole = run(RowSlices(rows: batch, count: 1))
        #expect(!whole.contains { $0.isNaN }, "every output element is written")
        for count in [2, 3, 5] {
            #expect(maxAbsoluteDifference(run(RowSlices(rows: batch, count: count)), whole) <= 1e-6, "\(count) slices")
        }
    }
}

func recurrentDirection(_ name: String) -> RecurrentDirection? {
    switch name {
    case "forward": .forward
    case "reverse": .reverse
    case "bidirectional": .bidirectional
    default: nil
    }
}

/// Reproducible values in [−0.5, 0.5) without a random generator.
func deterministicValues(count: Int, seed: Int) -> [Float] {
    var state = UInt32(truncatingIfNeeded: seed &* 2_654_435_761 &+ 12345)
    return (0..<count).map { _ in
        state = state &* 1_664_525 &+ 1_013_904_223
        return Float(state >> 8) / Float(1 << 24) - 0.5
    }
}

/// From `blocks` consecutive [rowsPerBlock, width] matrices, the `row`-th row of each, concatenated.
func rows(of values: [Float], blocks: Int, rowsPerBlock: Int, row: Int, width: Int) -> [Float] {
    var result = [Float]()
    for block in 0..<blocks {
        let start = (block * rowsPerBlock + row) * width
        result += values[start..<(start + width)]
    }
    return result
}
