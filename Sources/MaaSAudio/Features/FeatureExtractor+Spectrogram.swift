extension FeatureExtractor {
    /// How many frames librosa's STFT yields for `count` samples.
    func frameCount(samples count: Int) throws(AudioError) -> Int {
        let padded = count + 2 * leftPadding
        guard padded >= configuration.nFFT else {
            throw AudioError(.invalidParameter(name: "audio length", reason: "\(count) samples is shorter than nFFT (\(configuration.nFFT)) without centring"))
        }
        return 1 + (padded - configuration.nFFT) / configuration.hopLength
    }

    var leftPadding: Int {
        configuration.center ? configuration.nFFT / 2 : 0
    }

    /// Mel power spectrogram of a signal at the configured rate, every value multiplied by `scale` (how peak
    /// normalisation is applied: |X / peak|^p = |X|^p · peak^-p), in batches: batch i holds frames
    /// i·lanes ..< (i + 1)·lanes as nMels values of `lanes` floats (`spectrum.lanes`); the last batch's lanes
    /// past `frames` are padding.
    func melPowerBatches(_ signal: [Float], scale: Float) throws(AudioError) -> (frames: Int, batches: [Float]) {
        let frames = try frameCount(samples: signal.count)
        let bands = configuration.nMels
        let lanes = spectrum.lanes
        let limit = Self.maxFeatureValues / bands
        guard frames <= limit else {
            throw AudioError(.tooLarge(what: "feature frames", value: frames, limit: limit))
        }
        let nFFT = configuration.nFFT
        // A hop past the end of the padded signal leaves every frame but the first all zeros, whatever its
        // size: capped, so r · hop stays far from overflow.
        let hop = min(configuration.hopLength, signal.count + nFFT + 1)
        // Rows of the transposed chunk: a frame reads no further than nFFT into a hop.
        let width = min(hop, nFFT)
        let batchCount = (frames + lanes - 1) / lanes
        let scratch = spectrum.makeScratch()
        // The signal is transposed for framing a chunk of batches at a time (FFTKernels.transposeSignal), so
        // the copy stays in cache (about 2^18 floats): the chunk's frames, plus the columns its last frame
        // reaches into.
        let chunkBatches = max(1, min(8, (1 << 18) / (width * lanes)))
        let reach = (nFFT - 1) / hop + 1
        let rowStride = (chunkBatches * lanes + reach + 15) / 16 * 16
        // Cache-line aligned, as rowStride is a multiple of 16 floats: the transposed blocks are stored as whole lines.
        let columnStorage = UnsafeMutableRawPointer.allocate(byteCount: width * rowStride * MemoryLayout<Float>.stride, alignment: 64)
        defer { columnStorage.deallocate() }
        let columns = columnStorage.bindMemory(to: Float.self, capacity: width * rowStride)
        let offsets = spectrum.sampleOffsets(hop: hop, rowStride: rowStride)
        let batches = [Float](unsafeUninitializedCapacity: batchCount * bands * lanes) { values, initialized in
            signal.withUnsafeBufferPointer { samples in
              offsets.withUnsafeBufferPointer { offsets in
                for firstBatch in stride(from: 0, to: batchCount, by: chunkBatches) {
                    let start = firstBatch * lanes * hop - leftPadding
                    let chunk = min(chunkBatches, batchCount - firstBatch)
                    // Whole 16-row blocks (the spare rows are zeros or samples no frame reads): a ragged
                    // edge would be transposed one float at a time.
                    let rows = min(rowStride, (chunk * lanes + reach + 15) / 16 * 16)
                    spectrum.kernels.transposeSignal(samples, start: start, hop: hop, width: width, rows: rows,
                                                     into: columns, rowStride: rowStride)
                    for batch in firstBatch..<(firstBatch + chunk) {
                        spectrum.compute(columns: columns + (batch - firstBatch) * lanes, offsets: offsets.baseAddress!, scratch: scratch)
                        filterbank.apply(power: scratch.power, scale: scale, into: values.baseAddress! + batch * bands * lanes,
                                         kernels: spectrum.kernels)
                    }
                }
              }
            }
            initialized = batchCount * bands * lanes
        }
        return (frames, batches)
    }

    /// Rows [frames × width] out of batches of `width` values per frame.
    func rows(_ batches: [Float], frames: Int, width: Int) -> [Float] {
        let lanes = spectrum.lanes
        return [Float](unsafeUninitializedCapacity: frames * width) { out, initialized in
            batches.withUnsafeBufferPointer { b in
                var first = 0
                while first < frames {
                    spectrum.kernels.storeRows(b.baseAddress! + first * width, values: width, frames: min(lanes, frames - first),
                                               into: out.baseAddress! + first * width)
                    first += lanes
                }
            }
            initialized = frames * width
        }
    }
}
