/// How `FeatureExtractor` frames a signal: a chunk of batches at a time, the signal is copied transposed
/// (`FFTKernels.transposeSignal`) so that column r of the copy starts the chunk's frame r and sample n of a
/// whole batch is one contiguous load; a chunk's copy is small enough to stay in cache.
struct Framing {
    /// The hop, capped: past the end of the padded signal every frame but the first is all zeros whatever
    /// its size, and the cap keeps r · hop far from overflow.
    let hop: Int
    /// Rows of the copy: a frame reads no further than nFFT into a hop.
    let width: Int
    /// Hops a frame spans: a chunk needs this many columns past its last frame's start.
    let reach: Int
    let chunkBatches: Int
    let lanes: Int
    /// Floats per row, a multiple of 16 (one cache line).
    let rowStride: Int

    init(nFFT: Int, hop: Int, samples: Int, lanes: Int) {
        self.hop = min(hop, samples + nFFT + 1)
        self.lanes = lanes
        width = min(self.hop, nFFT)
        reach = (nFFT - 1) / self.hop + 1
        // 128 frames (the `reach` columns each chunk repeats and its rounding to 16 are then a few percent),
        // and at most about 2^18 floats (1 MiB, in L2).
        chunkBatches = max(1, min(128 / lanes, (1 << 18) / (width * lanes)))
        rowStride = (chunkBatches * lanes + reach + 15) / 16 * 16
    }

    var capacity: Int { width * rowStride }

    /// Whether the copies read every sample of the signal: each row of a copy is a whole hop, and the last
    /// chunk reaches `reach` hops past its last frame's start, past the signal's end.
    var coversSignal: Bool { width == hop }

    /// Hops of the signal to transpose for a chunk of `batches` (columns of the copy): whole 16-column
    /// blocks (a ragged edge would be transposed one float at a time; the spare columns are zeros or samples
    /// no frame reads).
    func hops(batches: Int) -> Int {
        min(rowStride, (batches * lanes + reach + 15) / 16 * 16)
    }
}
