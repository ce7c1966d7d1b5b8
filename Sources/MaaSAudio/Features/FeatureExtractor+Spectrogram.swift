extension FeatureExtractor {
    /// Frames per block: the block's power spectra ([bins × block] floats, 1 MiB at nFFT 2048) stay in cache
    /// between the FFT that writes them and the mel product that reads them.
    static let blockFrames = 128

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

    /// Mel power spectrogram [frames × nMels] of a prepared signal.
    func melPower(_ signal: [Float]) throws(AudioError) -> (frames: Int, values: [Float]) {
        let frames = try frameCount(samples: signal.count)
        let bands = configuration.nMels
        guard frames <= Self.maxFeatureValues / max(bands, configuration.frequencyBins) else {
            throw AudioError(.tooLarge(what: "feature frames", value: frames, limit: Self.maxFeatureValues / max(bands, configuration.frequencyBins)))
        }
        var mel = [Float](repeating: 0, count: frames * bands)
        let nFFT = configuration.nFFT
        let hop = configuration.hopLength
        let bins = configuration.frequencyBins
        let block = Self.blockFrames
        let scratch = spectrum.makeScratch()
        let power = UnsafeMutablePointer<Float>.allocate(capacity: bins * block)
        defer { power.deallocate() }
        // Frames that overhang either end of the signal (and the unused lanes of the last batch) are copied
        // here with zeros around them: librosa's constant padding.
        let edges = UnsafeMutablePointer<Float>.allocate(capacity: nFFT * Lanes.scalarCount)
        defer { edges.deallocate() }

        signal.withUnsafeBufferPointer { samples in
            mel.withUnsafeMutableBufferPointer { melValues in
                var pointers = [UnsafePointer<Float>](repeating: UnsafePointer(edges), count: Lanes.scalarCount)
                var blockStart = 0
                while blockStart < frames {
                    let blockCount = min(block, frames - blockStart)
                    var batch = 0
                    while batch < blockCount {
                        for lane in 0..<Lanes.scalarCount {
                            let frame = blockStart + batch + lane
                            let start = frame * hop - leftPadding
                            if frame < frames, start >= 0, start + nFFT <= samples.count {
                                pointers[lane] = UnsafePointer(samples.baseAddress! + start)
                            } else {
                                let slot = edges + lane * nFFT
                                slot.initialize(repeating: 0, count: nFFT)
                                if frame < frames {
                                    let from = max(start, 0), to = min(start + nFFT, samples.count)
                                    if from < to {
                                        (slot + (from - start)).update(from: samples.baseAddress! + from, count: to - from)
                                    }
                                }
                                pointers[lane] = UnsafePointer(slot)
                            }
                        }
                        spectrum.compute(frames: pointers, into: power + batch, stride: block, scratch: scratch)
                        batch += Lanes.scalarCount
                    }
                    filterbank.apply(power: power, powerStride: block, frames: blockCount,
                                     mel: melValues.baseAddress! + blockStart * bands)
                    blockStart += blockCount
                }
            }
        }
        return (frames, mel)
    }
}
