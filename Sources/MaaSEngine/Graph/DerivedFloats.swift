/// Float weights computed from other constants — a Gemm weight transposed and scaled, a recurrent layer's
/// packed block — kept as a recipe until they are written, so the compiler never holds a second copy of a
/// large weight. The plan writer computes a matrix a band of rows at a time; a recurrent block is computed
/// whole by the kernel's pack function (its sources and the block are in memory together, for that layer only).
///
/// Sources are checked against the recipe when it is made (shapes, counts), so writing never fails.
package struct DerivedFloats: Sendable {
    package enum Recipe: Sendable {
        /// A [rows, columns] matrix: out[r, c] = scale · source[r, c], or scale · source[c, r] when the
        /// source is stored transposed ([columns, rows]). One source.
        case scaledMatrix(rows: Int, columns: Int, scale: Float, transposed: Bool)
        /// `LSTMKernel.packWeights` of sources W, R, B?, P?.
        case lstm(LSTMKernel.Dims)
        /// `GRUKernel.packWeights` of sources W, R, B?.
        case gru(GRUKernel.Dims)
    }

    package let recipe: Recipe
    /// Float constants the recipe reads; nil for an optional input that is absent.
    package let sources: [ConstantTensor?]
    package let count: Int

    package static func scaledMatrix(
        _ source: ConstantTensor, rows: Int, columns: Int, scale: Float, transposed: Bool
    ) -> DerivedFloats {
        precondition(source.holdsFloats && source.count == rows * columns, "matrix source does not match its shape")
        return DerivedFloats(
            recipe: .scaledMatrix(rows: rows, columns: columns, scale: scale, transposed: transposed),
            sources: [source], count: rows * columns)
    }

    /// W, R, B and P must have the shapes ONNX gives them for `dims` (the compiler checks that first).
    package static func lstm(
        w: ConstantTensor, r: ConstantTensor, b: ConstantTensor?, p: ConstantTensor?, dims: LSTMKernel.Dims
    ) -> DerivedFloats {
        DerivedFloats(recipe: .lstm(dims), sources: [w, r, b, p], count: LSTMKernel.packedWeightCount(for: dims))
    }

    package static func gru(w: ConstantTensor, r: ConstantTensor, b: ConstantTensor?, dims: GRUKernel.Dims) -> DerivedFloats {
        DerivedFloats(recipe: .gru(dims), sources: [w, r, b], count: GRUKernel.packedWeightCount(for: dims))
    }

    /// Output chunks start and end on multiples of this many elements (a matrix row); a recipe that can only
    /// be computed whole has the whole count.
    package var granule: Int {
        switch recipe {
        case .scaledMatrix(_, let columns, _, _): max(columns, 1)
        case .lstm, .gru: max(count, 1)
        }
    }

    /// How many bytes a chunk should hold, at least. A chunk of a transposed matrix reads every source row, so
    /// fewer, larger chunks mean fewer passes over the source.
    package var preferredChunkBytes: Int {
        if case .scaledMatrix(_, _, _, true) = recipe { return 32 << 20 }
        return 0
    }

    /// Computes elements `range` into `output` (which receives `range.count` floats). `range` must start and
    /// end on a multiple of `granule` (or at `count`). Mapped source pages are let go of once read.
    package func write(_ range: Range<Int>, into output: UnsafeMutablePointer<Float>) {
        precondition(range.lowerBound % granule == 0 && (range.upperBound % granule == 0 || range.upperBound == count)
            && range.lowerBound >= 0 && range.upperBound <= count, "derived chunk is not on a granule boundary")
        guard !range.isEmpty else { return }
        switch recipe {
        case .scaledMatrix(let rows, let columns, let scale, let transposed):
            let source = sources[0]!
            source.withRawBytes { raw in
                let outputRows = (range.lowerBound / columns)..<(range.upperBound / columns)
                if transposed {
                    Self.transposed(raw, rows: rows, columns: columns, scale: scale, outputRows: outputRows, into: output) {
                        source.evictMappedPages(bytes: $0)
                    }
                } else {
                    Self.scaled(raw, columns: columns, scale: scale, rows: outputRows, into: output)
                    source.evictMappedPages(bytes: 0..<(outputRows.upperBound * columns * 4))
                }
            }
        case .lstm(let dims):
            Self.withFloatPointers(sources[...]) { pointers in
                LSTMKernel.packWeights(w: pointers[0]!, r: pointers[1]!, b: pointers[2], p: pointers[3], dims: dims, into: output)
            }
            for source in sources { source?.evictMappedPages() }
        case .gru(let dims):
            Self.withFloatPointers(sources[...]) { pointers in
                GRUKernel.packWeights(w: pointers[0]!, r: pointers[1]!, b: pointers[2], dims: dims, into: output)
            }
            for source in sources { source?.evictMappedPages() }
        }
    }

    /// Loads are unaligned: the source may sit anywhere in a model file.
    @inline(__always)
    private static func load(_ source: UnsafeRawBufferPointer, _ index: Int) -> Float {
        Float(bitPattern: UInt32(littleEndian: source.loadUnaligned(fromByteOffset: 4 * index, as: UInt32.self)))
    }

    /// Rows `rows` of scale · source, source [·, columns].
    private static func scaled(
        _ source: UnsafeRawBufferPointer, columns: Int, scale: Float, rows: Range<Int>, into output: UnsafeMutablePointer<Float>
    ) {
        for row in rows {
            let out = output + (row - rows.lowerBound) * columns
            for column in 0..<columns { out[column] = scale * load(source, row * columns + column) }
        }
    }

    /// Rows `outputRows` of the [rows, columns] matrix scale · sourceᵀ, source [columns, rows]. Each output row
    /// takes one element of every source row, so the source is read a band of rows at a time, front to back,
    /// and `consumed` gets the byte range read so far after each band: a mapped source is then never resident
    /// beyond about one band (touching any part of a row maps the pages around it, so reading "only a column
    /// strip" of a mapped matrix would otherwise map all of it). 64×64 tiles keep both sides in short runs.
    private static func transposed(
        _ source: UnsafeRawBufferPointer, rows: Int, columns: Int, scale: Float, outputRows: Range<Int>,
        into output: UnsafeMutablePointer<Float>, consumed: (Range<Int>) -> Void
    ) {
        let tile = 64
        for firstSourceRow in stride(from: 0, to: columns, by: tile) {
            let sourceRows = firstSourceRow..<min(firstSourceRow + tile, columns)
            for firstRow in stride(from: outputRows.lowerBound, to: outputRows.upperBound, by: tile) {
                let tileRows = firstRow..<min(firstRow + tile, outputRows.upperBound)
                for sourceRow in sourceRows {
                    for row in tileRows {
                        output[(row - outputRows.lowerBound) * columns + sourceRow] = scale * load(source, sourceRow * rows + row)
                    }
                }
            }
            consumed(0..<(sourceRows.upperBound * rows * 4))
        }
    }

    /// Calls `body` with an aligned float pointer for each source (nil for absent ones), as the kernels'
    /// pack functions need; sources already aligned in memory are not copied.
    private static func withFloatPointers<R>(
        _ sources: ArraySlice<ConstantTensor?>, _ pointers: [UnsafePointer<Float>?] = [],
        _ body: ([UnsafePointer<Float>?]) -> R
    ) -> R {
        guard let first = sources.first else { return body(pointers) }
        guard let source = first else { return withFloatPointers(sources.dropFirst(), pointers + [nil], body) }
        return source.withFloatPointer { pointer in withFloatPointers(sources.dropFirst(), pointers + [pointer], body) }
    }
}
