extension FeatureExtractor {
    /// How many frames librosa's STFT yields for `count` samples.
    func frameCount(samples count: Int) throws(AudioError) -> Int {
        let padded = count + 2 * leftPadding
        guard padded >= configuration.nFFT else {
            throw AudioError(.invalidParameter(name: "audio length", reason: "\(count) samples is shorter than nFFT (\(configuration.nFFT)) without centring"))
        }
        return 1 + (padded - configuration.nFFT) / configuration.hopLength
    }

    private var leftPadding: Int {
        configuration.center ? configuration.nFFT / 2 : 0
    }

    /// Mel power spectrogram of a signal at the configured rate, in batches: batch i holds frames
    /// i·lanes ..< (i + 1)·lanes as nMels values of `lanes` floats (`spectrum.lanes`); the last batch's lanes
    /// past `frames` are padding. `scan` covers every sample of the signal, read on the way, or is nil when
    /// the frames skip some (a hop longer than nFFT).
    func melPowerBatches(_ signal: [Float]) throws(AudioError) -> (frames: Int, batches: [Float], scan: SignalScan?) {
        let frames = try frameCount(samples: signal.count)
        let bands = configuration.nMels
        let limit = Self.maxFeatureValues / bands
        guard frames <= limit else {
            throw AudioError(.tooLarge(what: "feature frames", value: frames, limit: limit))
        }
        let lanes = spectrum.lanes
        let batchCount = (frames + lanes - 1) / lanes
        let framing = Framing(nFFT: configuration.nFFT, hop: configuration.hopLength, samples: signal.count, lanes: lanes)
        let scratch = spectrum.makeScratch()
        let offsets = framedOffsets(framing)
        // Cache-line aligned, as rowStride is a multiple of 16 floats: the transposed blocks are stored as whole lines.
        let storage = UnsafeMutableRawPointer.allocate(byteCount: framing.capacity * MemoryLayout<Float>.stride, alignment: 64)
        defer { storage.deallocate() }
        let columns = storage.bindMemory(to: Float.self, capacity: framing.capacity)
        var scan = SignalScan()
        let batches = [Float](unsafeUninitializedCapacity: batchCount * bands * lanes) { values, initialized in
            signal.withUnsafeBufferPointer { samples in
                offsets.withUnsafeBufferPointer { offsets in
                    for firstBatch in stride(from: 0, to: batchCount, by: framing.chunkBatches) {
                        let chunk = min(framing.chunkBatches, batchCount - firstBatch)
                        spectrum.kernels.transposeSignal(samples, start: firstBatch * lanes * framing.hop - leftPadding, hop: framing.hop,
                                                         width: framing.width, rows: framing.hops(batches: chunk),
                                                         into: columns, rowStride: framing.rowStride, scan: &scan)
                        for batch in firstBatch..<(firstBatch + chunk) {
                            spectrum.compute(columns: columns + (batch - firstBatch) * lanes, offsets: offsets.baseAddress!, scratch: scratch)
                            filterbank.apply(power: scratch.power, into: values.baseAddress! + batch * bands * lanes, kernels: spectrum.kernels)
                        }
                    }
                }
            }
            initialized = batchCount * bands * lanes
        }
        // From the first sample (the first chunk starts at or before it) to past the last: hops of the
        // transposed copy follow each other when they are no longer than a frame.
        return (frames, batches, framing.coversSignal ? scan : nil)
    }

    /// `spectrum.sampleOffsets` for `framing`: the table `init` made, unless the hop was capped for a very
    /// short clip (see `Framing.hop`).
    func framedOffsets(_ framing: Framing) -> [Int] {
        if framing.hop == hopOffsets.hop, framing.rowStride == hopOffsets.rowStride { return hopOffsets.values }
        return spectrum.sampleOffsets(hop: framing.hop, rowStride: framing.rowStride)
    }

    /// Rows [frames × width] out of batches of `width` values per frame, times `scale`.
    func rows(_ batches: [Float], frames: Int, width: Int, scale: Float) -> [Float] {
        let lanes = spectrum.lanes
        return [Float](unsafeUninitializedCapacity: frames * width) { out, initialized in
            batches.withUnsafeBufferPointer { b in
                var first = 0
                while first < frames {
                    spectrum.kernels.storeRows(b.baseAddress! + first * width, values: width, scale: scale, frames: min(lanes, frames - first),
                                               into: out.baseAddress! + first * width)
                    first += lanes
                }
            }
            initialized = frames * width
        }
    }
}
