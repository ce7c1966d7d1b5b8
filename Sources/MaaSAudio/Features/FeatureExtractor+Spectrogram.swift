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

    /// Mel power spectrogram [frames × nMels] of a signal at the configured rate, every value multiplied by
    /// `scale` (how peak normalisation is applied: |X / peak|^p = |X|^p · peak^-p).
    func melPower(_ signal: [Float], scale: Float) throws(AudioError) -> (frames: Int, values: [Float]) {
        let frames = try frameCount(samples: signal.count)
        let bands = configuration.nMels
        let limit = Self.maxFeatureValues / bands
        guard frames <= limit else {
            throw AudioError(.tooLarge(what: "feature frames", value: frames, limit: limit))
        }
        let nFFT = configuration.nFFT
        let hop = configuration.hopLength
        let lanes = Lanes.scalarCount
        let scratch = spectrum.makeScratch()
        let sums = UnsafeMutablePointer<Lanes>.allocate(capacity: bands)
        defer { sums.deallocate() }
        // Frames that overhang either end of the signal (and the unused lanes of the last batch) are copied
        // here with zeros around them: librosa's constant padding.
        let edges = UnsafeMutablePointer<Float>.allocate(capacity: nFFT * lanes)
        defer { edges.deallocate() }

        let power = UnsafeMutablePointer<Lanes>.allocate(capacity: configuration.frequencyBins)
        defer { power.deallocate() }
        let mel = [Float](unsafeUninitializedCapacity: frames * bands) { melValues, initialized in
            signal.withUnsafeBufferPointer { samples in
                var pointers = [UnsafePointer<Float>](repeating: UnsafePointer(edges), count: lanes)
                var first = 0
                while first < frames {
                    for lane in 0..<lanes {
                        let frame = first + lane
                        let begin = frame * hop - leftPadding
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
                    spectrum.compute(frames: pointers, into: power, scratch: scratch)
                    filterbank.apply(power: power, into: sums)
                    for lane in 0..<min(lanes, frames - first) {
                        let row = melValues.baseAddress! + (first + lane) * bands
                        for b in 0..<bands { row[b] = sums[b][lane] * scale }
                    }
                    first += lanes
                }
            }
            initialized = frames * bands
        }
        return (frames, mel)
    }
}
