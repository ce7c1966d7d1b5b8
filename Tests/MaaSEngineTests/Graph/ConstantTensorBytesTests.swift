import MaaSEngine
import ProtoWire
import Testing

/// Constants reach the weight section from wherever their values are kept — arrays, model bytes at any
/// alignment, packing recipes — and must give the same bytes whichever way, in whatever chunks.
@Suite("constant bytes")
struct ConstantTensorBytesTests {
    static func littleEndian(_ values: [Float]) -> [UInt8] {
        values.flatMap { value in (0..<4).map { UInt8(truncatingIfNeeded: value.bitPattern >> (8 * UInt32($0))) } }
    }

    /// `values` as a view into a message buffer, starting `misalignment` bytes past a 4-byte boundary, as
    /// raw_data does inside a model file.
    static func floatBytes(_ values: [Float], misalignment: Int, shape: [Int]) -> ConstantTensor {
        let payload = littleEndian(values)
        let header: [UInt8] = [0x0A] + varint(payload.count)
        // An unknown bytes field (2) in front moves the values to where they are wanted.
        var padding = 0
        while (2 + padding + header.count) % 4 != misalignment { padding += 1 }
        var reader = ProtoReader([0x12, UInt8(padding)] + [UInt8](repeating: 0xEE, count: padding) + header + payload)
        try! reader.skip(try! reader.nextField()!)
        let view = try! reader.readBytesView(try! reader.nextField()!)
        view.withUnsafeBytes { #expect(Int(bitPattern: $0.baseAddress!) % 4 == misalignment) }
        return ConstantTensor(floatBytes: view, shape: shape)
    }

    /// Every chunking of the constant's bytes, concatenated.
    static func chunked(_ constant: ConstantTensor, _ size: Int) -> [UInt8] {
        var bytes: [UInt8] = []
        constant.forEachChunk(chunkBytes: size) { chunk in
            bytes += chunk
            return true
        }
        return bytes
    }

    @Test("every storage gives its values' bytes, in any chunk size", arguments: [1, 4, 12, 64, 1 << 20])
    func chunks(_ size: Int) {
        let values = pseudoRandom(300, seed: 3)
        let expected = Self.littleEndian(values)
        for constant in [
            ConstantTensor(floats: values, shape: [300]),
            ConstantTensor(floatBytes: ProtoReader.BytesView(expected), shape: [300]),
            ConstantTensor(derived: .scaledMatrix(ConstantTensor(floats: values, shape: [20, 15]),
                                                  rows: 20, columns: 15, scale: 1, transposed: false), shape: [20, 15]),
        ] {
            #expect(Self.chunked(constant, size) == expected)
            #expect(constant.floats == values)
            #expect(constant == ConstantTensor(floats: values, shape: constant.shape))
        }
        let ints: [Int64] = [1, -2, 3, Int64.max]
        let intBytes = ints.flatMap { value in (0..<8).map { UInt8(truncatingIfNeeded: value >> (8 * Int64($0))) } }
        #expect(Self.chunked(ConstantTensor(ints: ints, shape: [4]), size) == intBytes)
    }

    @Test("a chunk refused stops the bytes there")
    func refusal() {
        let constant = ConstantTensor(floats: pseudoRandom(100, seed: 4), shape: [100])
        var chunks = 0
        let finished = constant.forEachChunk(chunkBytes: 40) { _ in
            chunks += 1
            return chunks < 3
        }
        #expect(!finished)
        #expect(chunks == 3)
    }

    @Test("scaled and transposed matrices match a direct computation, whole and by rows",
          arguments: [(1, 1), (3, 200), (70, 130), (129, 65), (0, 5)])
    func matrices(_ rows: Int, _ columns: Int) {
        let source = pseudoRandom(rows * columns, seed: 5)
        for transposed in [false, true] {
            let derived = DerivedFloats.scaledMatrix(
                ConstantTensor(floats: source, shape: transposed ? [columns, rows] : [rows, columns]),
                rows: rows, columns: columns, scale: -0.5, transposed: transposed)
            var expected = [Float](repeating: 0, count: rows * columns)
            for row in 0..<rows {
                for column in 0..<columns {
                    expected[row * columns + column] = -0.5 * (transposed ? source[column * rows + row] : source[row * columns + column])
                }
            }
            let constant = ConstantTensor(derived: derived, shape: [rows, columns])
            #expect(constant.floats == expected)
            for size in [4, 100, 4 * columns * 3 + 1] {
                #expect(Self.chunked(constant, size) == Self.littleEndian(expected))
            }
            // Row ranges computed on their own, as chunks are.
            for step in [1, 3, 64, 65] {
                var pieces: [Float] = []
                for first in stride(from: 0, to: rows, by: step) {
                    let rowRange = first..<min(first + step, rows)
                    let piece = [Float](unsafeUninitializedCapacity: rowRange.count * columns) { buffer, initialized in
                        derived.write((rowRange.lowerBound * columns)..<(rowRange.upperBound * columns), into: buffer.baseAddress!)
                        initialized = buffer.count
                    }
                    pieces += piece
                }
                #expect(pieces == expected, "rows \(step) at a time")
            }
        }
    }

    @Test("packed recurrent weights are the kernels' packing of the same values, from unaligned bytes too",
          arguments: 0..<4)
    func recurrent(_ misalignment: Int) {
        let dims = LSTMKernel.Dims(
            sequenceLength: 0, batchSize: 0, inputSize: 3, hiddenSize: 2, direction: .bidirectional, layout: .timeMajor,
            hasPeepholes: true, clip: nil, inputForget: false)
        let w = pseudoRandom(2 * 8 * 3, seed: 6), r = pseudoRandom(2 * 8 * 2, seed: 7)
        let b = pseudoRandom(2 * 16, seed: 8), p = pseudoRandom(2 * 6, seed: 9)
        let expected = w.withUnsafeBufferPointer { w in
            r.withUnsafeBufferPointer { r in
                b.withUnsafeBufferPointer { b in
                    p.withUnsafeBufferPointer { p in
                        LSTMKernel.packWeights(w: w.baseAddress!, r: r.baseAddress!, b: b.baseAddress!, p: p.baseAddress!, dims: dims)
                    }
                }
            }
        }
        let derived = DerivedFloats.lstm(
            w: Self.floatBytes(w, misalignment: misalignment, shape: [2, 8, 3]),
            r: Self.floatBytes(r, misalignment: misalignment, shape: [2, 8, 2]),
            b: ConstantTensor(floats: b, shape: [2, 16]), p: Self.floatBytes(p, misalignment: 3 - misalignment, shape: [2, 6]),
            dims: dims)
        let constant = ConstantTensor(derived: derived, shape: [derived.count])
        #expect(constant.floats == expected)
        #expect(Self.chunked(constant, 8) == Self.littleEndian(expected))
    }

    @Test("values in unaligned model bytes read as the same floats", arguments: 0..<4)
    func unaligned(_ misalignment: Int) {
        let values = pseudoRandom(17, seed: 10)
        let constant = Self.floatBytes(values, misalignment: misalignment, shape: [17])
        #expect(constant.floats == values)
        #expect(constant.withFloatPointer { Array(UnsafeBufferPointer(start: $0, count: 17)) } == values)
    }
}

private func varint(_ value: Int) -> [UInt8] {
    var bytes: [UInt8] = []
    var v = UInt64(value)
    while v >= 0x80 {
        bytes.append(UInt8(v & 0x7F) | 0x80)
        v >>= 7
    }
    bytes.append(UInt8(v))
    return bytes
}
