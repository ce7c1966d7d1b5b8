import Testing
@testable import MaaSEngine

@Suite("GRU kernel")
struct GRUKernelTests {
    @Test("matches onnxruntime", arguments: KernelFixtures.opCases("GRU"))
    func matchesOnnxRuntime(caseName: String) throws {
        let fixture = KernelFixtures.case(caseName)
        let x = try #require(fixture.nodeInput(0))
        let w = try #require(fixture.nodeInput(1))
        let r = try #require(fixture.nodeInput(2))
        let b = fixture.nodeInput(3)
        let lengths = fixture.nodeInput(4).map { $0.integers.map { Int32($0) } }
        let initialH = fixture.nodeInput(5)
        let layout = RecurrentLayout(rawValue: fixture.int("layout", default: 0))!
        let direction = try #require(recurrentDirection(fixture.string("direction", default: "forward")))
        let dims = GRUKernel.Dims(
            sequenceLength: layout == .timeMajor ? x.shape[0] : x.shape[1],
            batchSize: layout == .timeMajor ? x.shape[1] : x.shape[0],
            inputSize: x.shape[2], hiddenSize: fixture.int("hidden_size", default: 0),
            direction: direction, layout: layout,
            linearBeforeReset: fixture.int("linear_before_reset", default: 0) == 1, clip: fixture.float("clip"))

        let packed = GRUKernel.packWeights(w: w.floats, r: r.floats, b: b?.floats, dims: dims)
        #expect(packed.count == GRUKernel.packedWeightCount(for: dims))
        let names = fixture.op!.outputs
        let expectedY = fixture.expected(names[0])
        let expectedH = names.count > 1 ? fixture.expected(names[1]) : nil
        var y = [Float](repeating: .nan, count: expectedY?.count ?? 0)
        var finalH = [Float](repeating: .nan, count: expectedH?.count ?? 0)
        var unused = [Float]()
        var scratch = [Float](repeating: .nan, count: GRUKernel.scratchCount(for: dims))

        x.floats.withUnsafeBufferPointer { x in
            packed.withUnsafeBufferPointer { packed in
                withOptionalPointers(lengths, initialH?.floats, [Float]?.none) { lengths, initialH, _ in
                    withOptionalMutablePointers(&y, &finalH, &unused) { y, finalH, _ in
                        GRUKernel.run(
                            .init(x: x.baseAddress!, weights: packed.baseAddress!, sequenceLengths: lengths,
                                  initialH: initialH),
                            .init(y: y, finalH: finalH), scratch: &scratch, dims: dims)
                    }
                }
            }
        }
        if let expectedY { #expect(maxAbsoluteDifference(y, expectedY.floats) <= fidelityTolerance, "Y") }
        if let expectedH { #expect(maxAbsoluteDifference(finalH, expectedH.floats) <= fidelityTolerance, "Y_h") }
    }

    @Test("a batch of sequences gives each row the result it gets alone", arguments: [false, true])
    func batchRowsAreIndependent(linearBeforeReset: Bool) {
        let dims1 = GRUKernel.Dims(sequenceLength: 5, batchSize: 1, inputSize: 3, hiddenSize: 4,
                                   direction: .bidirectional, linearBeforeReset: linearBeforeReset)
        var dims3 = dims1
        dims3.batchSize = 3
        let packed = GRUKernel.packWeights(
            w: deterministicValues(count: 2 * 12 * 3, seed: 5), r: deterministicValues(count: 2 * 12 * 4, seed: 6),
            b: deterministicValues(count: 2 * 24, seed: 7), dims: dims3)
        let x = deterministicValues(count: 5 * 3 * 3, seed: 8)
        var batched = [Float](repeating: 0, count: 5 * 2 * 3 * 4)
        var scratch = [Float](repeating: 0, count: GRUKernel.scratchCount(for: dims3))
        GRUKernel.run(.init(x: x, weights: packed), .init(y: &batched), scratch: &scratch, dims: dims3)
        for row in 0..<3 {
            let single = rows(of: x, blocks: 5, rowsPerBlock: 3, row: row, width: 3)
            var alone = [Float](repeating: 0, count: 5 * 2 * 4)
            var scratch1 = [Float](repeating: 0, count: GRUKernel.scratchCount(for: dims1))
            GRUKernel.run(.init(x: single, weights: packed), .init(y: &alone), scratch: &scratch1, dims: dims1)
            let picked = rows(of: batched, blocks: 10, rowsPerBlock: 3, row: row, width: 4)
            #expect(maxAbsoluteDifference(picked, alone) <= 1e-6, "row \(row)")
        }
    }

    @Test("slices of the batch on separate threads give the one-slice result",
          arguments: [false, true], [nil, [5, 1, 0, 5, 3] as [Int32]])
    func batchSlices(linearBeforeReset: Bool, lengths: [Int32]?) {
        let steps = 5, batch = 5, input = 3, hidden = 4
        let dims = GRUKernel.Dims(sequenceLength: steps, batchSize: batch, inputSize: input, hiddenSize: hidden,
                                  direction: .bidirectional, layout: .batchMajor, linearBeforeReset: linearBeforeReset)
        let w = deterministicValues(count: 2 * 3 * hidden * input, seed: 51)
        let r = deterministicValues(count: 2 * 3 * hidden * hidden, seed: 52)
        let b = deterministicValues(count: 2 * 6 * hidden, seed: 53)
        let x = deterministicValues(count: steps * batch * input, seed: 54).map { $0 * 4 }
        let initial = deterministicValues(count: 2 * batch * hidden, seed: 55)
        let packed = GRUKernel.packWeights(w: w, r: r, b: b, dims: dims)

        func run(_ slices: RowSlices) -> [Float] {
            var y = [Float](repeating: .nan, count: steps * 2 * batch * hidden)
            var finalH = [Float](repeating: .nan, count: 2 * batch * hidden), unused = [Float]()
            var scratch = [Float](repeating: .nan, count: GRUKernel.scratchCount(for: dims))
            x.withUnsafeBufferPointer { x in
                packed.withUnsafeBufferPointer { packed in
                    withOptionalPointers(lengths, initial, nil as [Float]?) { lengths, initialH, _ in
                        withOptionalMutablePointers(&y, &finalH, &unused) { y, finalH, _ in
                            GRUKernel.run(
                                .init(x: x.baseAddress!, weights: packed.baseAddress!, sequenceLengths: lengths,
                                      initialH: initialH),
                                .init(y: y, finalH: finalH), scratch: &scratch, dims: dims, slices: slices)
                        }
                    }
                }
            }
            return y + finalH
        }
        let whole = run(RowSlices(rows: batch, count: 1))
        #expect(!whole.contains { $0.isNaN }, "every output element is written")
        for count in [2, 3, 5] {
            #expect(maxAbsoluteDifference(run(RowSlices(rows: batch, count: count)), whole) <= 1e-6, "\(count) slices")
        }
    }
}
