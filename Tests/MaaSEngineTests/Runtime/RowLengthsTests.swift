import MaaSEngine
import Testing

/// `LoadedModel.run(_:rowLengths:)`: rows padded at the end to a common length, each row's own length given
/// to the recurrent layers as ONNX `sequence_lens`. Each row must come out as it does run alone.
@Suite("Runs of padded rows with their lengths")
struct RowLengthsTests {
    /// [T, B, 4] → LSTM (forward or bidirectional, 5 units) with its outputs Y [T, D, B, 5] and Y_h [D, B, 5].
    private func lstm(direction: String) throws -> LoadedModel {
        let d = direction == "bidirectional" ? 2 : 1
        var builder = OnnxModelBuilder()
        builder.input("x", [-1, -1, 4])
        builder.initializer("W", pseudoRandom(d * 20 * 4, seed: 31, scale: 0.5), [d, 20, 4])
        builder.initializer("R", pseudoRandom(d * 20 * 5, seed: 32, scale: 0.5), [d, 20, 5])
        builder.initializer("B", pseudoRandom(d * 40, seed: 33, scale: 0.1), [d, 40])
        builder.node(
            "LSTM", ["x", "W", "R", "B"], ["y", "y_h"],
            [Attribute.int("hidden_size", 5), Attribute.string("direction", direction)], name: "lstm")
        builder.output("y")
        builder.output("y_h")
        return try builder.load()
    }

    /// Rows of `lengths` steps (distinct values), each zero-padded to the longest, joined along B.
    private func padded(_ lengths: [Int]) -> (joined: HostTensor, alone: [HostTensor]) {
        let longest = lengths.max() ?? 0
        let alone = lengths.enumerated().map { row, length in
            HostTensor(shape: [length, 1, 4], floats: pseudoRandom(length * 4, seed: UInt64(40 + row)))
        }
        var joined = [Float](repeating: 0, count: longest * lengths.count * 4)
        for (row, tensor) in alone.enumerated() {
            let values = tensor.floats ?? []
            for step in 0..<lengths[row] {
                for feature in 0..<4 { joined[(step * lengths.count + row) * 4 + feature] = values[step * 4 + feature] }
            }
        }
        return (HostTensor(shape: [longest, lengths.count, 4], floats: joined), alone)
    }

    @Test("each row's final state and outputs are its own: outputs past a row's length are zero",
          arguments: ["forward", "reverse", "bidirectional"])
    func rowsAsAlone(direction: String) throws {
        let model = try lstm(direction: direction)
        let d = direction == "bidirectional" ? 2 : 1
        let lengths = [3, 7, 1, 5]
        let (joined, alone) = padded(lengths)
        let batched = try model.run(["x": joined], rowLengths: lengths)
        let y = try #require(batched["y"]?.floats), yh = try #require(batched["y_h"]?.floats)
        let rows = lengths.count
        for (row, input) in alone.enumerated() {
            let own = try model.run(["x": input])
            let ownY = try #require(own["y"]?.floats), ownH = try #require(own["y_h"]?.floats)
            for direction in 0..<d {
                for unit in 0..<5 {
                    #expect(abs(yh[(direction * rows + row) * 5 + unit] - ownH[direction * 5 + unit]) <= 1e-5)
                }
                for step in 0..<7 {
                    for unit in 0..<5 {
                        let got = y[((step * d + direction) * rows + row) * 5 + unit]
                        let expected: Float = step < lengths[row] ? ownY[(step * d + direction) * 5 + unit] : 0
                        #expect(abs(got - expected) <= 1e-5, "row \(row) step \(step) direction \(direction)")
                    }
                }
            }
        }
    }

    @Test("lengths that do not fit the layer (another row count, or none as long as its steps) are not applied")
    func lengthsThatDoNotFit() throws {
        let model = try lstm(direction: "forward")
        let (joined, _) = padded([3, 7])
        let plain = try model.run(["x": joined])
        #expect(try model.run(["x": joined], rowLengths: [3, 7, 7]) == plain)
        #expect(try model.run(["x": joined], rowLengths: [3, 6]) == plain)
        #expect(try model.run(["x": joined], rowLengths: []) == plain)
        // Out-of-range lengths are clamped to the steps like sequence_lens: no read past the input.
        let clamped = try model.run(["x": joined], rowLengths: [-4, 7])
        #expect(clamped["y_h"]?.shape == [1, 2, 5])
    }
}
