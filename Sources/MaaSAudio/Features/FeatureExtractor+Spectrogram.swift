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
        let hop = configuration.hopLength
        let padding = leftPadding
        let batchCount = (frames + lanes - 1) / lanes
        let scratch = spectrum.makeScratch()
        let pointers = UnsafeMutablePointer<UnsafePointer<Float>?>.allocate(capacity: lanes)
        defer { pointers.deallocate() }
        // Frames that overhang either end of the signal (and the unused lanes of the last batch) are copied
        // here with zeros around them: librosa's constant padding.
        let edges = UnsafeMutablePointer<Float>.allocate(capacity: nFFT * lanes)
        defer { edges.deallocate() }
        let batches = [Float](unsafeUninitializedCapacity: batchCount * bands * lanes) { values, initialized in
            signal.withUnsafeBufferPointer { samples in
                for batch in 0..<batchCount {
                    for lane in 0..<lanes {
                        let frame = batch * lanes + lane
                        let begin = frame * hop - padding
                        if frame < frames, begin >= 0, begin + nFFT <= samples.count {
                            pointers[lane] = UnsafePointer(samples.baseAddress! + begin)
                        } else {
                            let slot = edges + lane * nFFT
                            slot.initialize(repeating: 0, count: nFFT)
                            let from = max(begin, 0), to = min(begin + nFFT, samples.count)
                            if frame < frames, from < to {
                                (slot + (from - begin)).update(from: samples.baseAddress! + from, count: to - from)
                            }
                            pointers[lane] = UnsafePointer(slot)
                        }
                    }
                    spectrum.compute(frames: pointers, scratch: scratch)
                    filterbank.apply(power: scratch.power, scale: scale, into: values.baseAddress! + batch * bands * lanes,
                                     kernels: spectrum.kernels)
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
