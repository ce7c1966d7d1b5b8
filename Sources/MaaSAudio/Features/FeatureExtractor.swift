import Glibc

/// Audio clips in, librosa-identical MFCC features out, for one `MFCCConfiguration`.
///
/// Built once per model version (the window, FFT plan, mel and DCT matrices are computed in `init`) and
/// shared by all request threads: it holds only immutable tables, and each call allocates its own buffers.
/// The pipeline is `librosa.load(sr=sampleRate)` (resample with soxr_hq), `librosa.util.normalize`, then
/// `librosa.feature.mfcc`.
public final class FeatureExtractor: Sendable {
    public let configuration: MFCCConfiguration
    let spectrum: PowerSpectrum
    let filterbank: MelFilterbank
    let cepstrum: CepstralTransform
    /// `spectrum.sampleOffsets` for the configured hop and the framing every clip gets with it (`framedOffsets`).
    let hopOffsets: (hop: Int, rowStride: Int, values: [Int])

    /// Most values (samples after resampling, or frames × bands) one call may hold: 2^28 floats is 1 GiB.
    public static let maxFeatureValues = 1 << 28

    public convenience init(_ configuration: MFCCConfiguration) throws(AudioError) {
        try self.init(configuration, kernels: .best)
    }

    /// With the kernels of one instruction set, for tests that hold every variant to librosa and for the
    /// benchmark.
    package init(_ configuration: MFCCConfiguration, kernels: FFTKernels) throws(AudioError) {
        try configuration.validate()
        self.configuration = configuration
        spectrum = PowerSpectrum(nFFT: configuration.nFFT, winLength: configuration.effectiveWinLength, power: configuration.power,
                                 kernels: kernels)
        filterbank = MelFilterbank(configuration)
        cepstrum = CepstralTransform(bands: configuration.nMels, coefficients: configuration.nMFCC, lifter: configuration.lifter)
        // Framing caps the hop only for clips shorter than hop - nFFT samples: with `samples: hop` it does not.
        let framing = Framing(nFFT: configuration.nFFT, hop: configuration.hopLength, samples: configuration.hopLength, lanes: spectrum.lanes)
        hopOffsets = (framing.hop, framing.rowStride, spectrum.sampleOffsets(hop: framing.hop, rowStride: framing.rowStride))
    }

    /// The signal the features are computed from: resampled to the configured rate (exactly as librosa.load
    /// does) and, if configured, divided by its peak magnitude.
    public func prepare(_ clip: AudioClip) throws(AudioError) -> AudioClip {
        let (samples, peak) = try resampled(clip)
        guard configuration.peakNormalize, let peak else { return AudioClip(samples: samples, sampleRate: configuration.sampleRate) }
        return AudioClip(samples: SignalOps.divided(samples, by: peak), sampleRate: configuration.sampleRate)
    }

    /// The clip at the configured rate, and the peak magnitude to normalise by (nil for silence, which stays zeros).
    private func resampled(_ clip: AudioClip) throws(AudioError) -> (samples: [Float], peak: Float?) {
        guard clip.sampleRate > 0, clip.sampleRate <= MFCCConfiguration.maxSampleRate else {
            throw AudioError(.invalidParameter(name: "clip sample rate", reason: "must be between 1 and \(MFCCConfiguration.maxSampleRate) Hz, got \(clip.sampleRate)"))
        }
        guard !clip.samples.isEmpty else { throw AudioError(.empty) }
        var (peak, nonFinite, subnormal) = SignalOps.scan(clip.samples)
        if nonFinite { try AudioDecoder.checkFinite(clip.samples) }
        let resampledCount = (Double(clip.samples.count) * Double(configuration.sampleRate) / Double(clip.sampleRate)).rounded(.up)
        guard resampledCount <= Double(Self.maxFeatureValues) else {
            throw AudioError(.tooLarge(what: "samples after resampling", value: Int(min(resampledCount, 9e18)), limit: Self.maxFeatureValues))
        }
        var samples = clip.samples
        if configuration.peakNormalize, peak >= Float.leastNormalMagnitude, peak < Self.quietPeak {
            // A very quiet clip is brought to full scale by a power of two, which is exact (subnormal samples
            // included) and which normalisation divides out again; its power then keeps float precision.
            let gain = Float(sign: .plus, exponent: -peak.exponent - 1, significand: 1)
            samples = samples.map { $0 * gain }
            (peak, _, subnormal) = SignalOps.scan(samples)
        }
        // What is still subnormal is below 2^-126 of full scale: its power is zero in float32 (in librosa too).
        if subnormal { samples = SignalOps.flushingSubnormals(samples) }
        if clip.sampleRate != configuration.sampleRate {
            samples = try Resampler.resample(samples, from: clip.sampleRate, to: configuration.sampleRate)
            (peak, _, subnormal) = SignalOps.scan(samples)
            if subnormal { samples = SignalOps.flushingSubnormals(samples) }
        }
        // librosa.util.normalize leaves a signal alone when its peak is below the smallest normal float.
        return (samples, peak >= Float.leastNormalMagnitude ? peak : nil)
    }

    /// Mel power of the prepared clip in batches (`melPowerBatches`), and the factor peak normalisation
    /// multiplies it by: one multiplication per value instead of a division per sample, which differs from
    /// dividing the samples by rounding only.
    private func normalizedMel(_ clip: AudioClip) throws(AudioError) -> (frames: Int, batches: [Float], scale: Float) {
        if let direct = melAtConfiguredRate(clip) { return direct }
        let (samples, peak) = try resampled(clip)
        let (frames, batches, _) = try melPowerBatches(samples)
        return (frames, batches, normalization(peak: peak))
    }

    /// The common case in one pass over the samples: a clip already at the configured rate is scanned while
    /// it is framed (a separate scan read a long clip from memory once more, a tenth of the MFCC time). Nil
    /// when the scan finds what `resampled` must prepare first (subnormal samples, a very quiet peak), or
    /// anything wrong: the usual path then does it all, and reports errors in their usual order.
    private func melAtConfiguredRate(_ clip: AudioClip) -> (frames: Int, batches: [Float], scale: Float)? {
        guard clip.sampleRate == configuration.sampleRate, !clip.samples.isEmpty, clip.samples.count <= Self.maxFeatureValues,
              let (frames, batches, scan) = try? melPowerBatches(clip.samples),
              let scan, !scan.nonFinite, !scan.subnormal
        else { return nil }
        let peak = scan.peak
        if configuration.peakNormalize, peak >= Float.leastNormalMagnitude, peak < Self.quietPeak { return nil }
        // librosa.util.normalize leaves a signal alone when its peak is below the smallest normal float.
        return (frames, batches, normalization(peak: peak >= Float.leastNormalMagnitude ? peak : nil))
    }

    /// |X / peak|^p = |X|^p · peak^-p
    private func normalization(peak: Float?) -> Float {
        guard configuration.peakNormalize, let peak else { return 1 }
        return Float(pow(Double(peak), -configuration.power))
    }

    /// Peaks below this are first raised to full scale by a power of two (1e-4 is about -80 dBFS, below the
    /// step of 16-bit audio), so peak^-power stays finite and quiet powers keep their precision.
    static let quietPeak: Float = 1e-4

    /// librosa.feature.melspectrogram of the prepared clip: power per mel band, [frames × nMels] row-major.
    public func melSpectrogram(_ clip: AudioClip) throws(AudioError) -> (frames: Int, bands: Int, values: [Float]) {
        let (frames, batches, scale) = try normalizedMel(clip)
        return (frames, configuration.nMels, rows(batches, frames: frames, width: configuration.nMels, scale: scale))
    }

    /// librosa.feature.mfcc of the prepared clip: [frames × nMFCC] row-major, frames = 1 + samples / hop.
    public func mfcc(_ clip: AudioClip) throws(AudioError) -> (frames: Int, coefficients: Int, values: [Float]) {
        var (frames, batches, scale) = try normalizedMel(clip)
        let lanes = spectrum.lanes, bands = configuration.nMels, coefficients = configuration.nMFCC
        let kernels = spectrum.kernels
        let out = [Float](unsafeUninitializedCapacity: frames * coefficients) { buffer, initialized in
            batches.withUnsafeMutableBufferPointer { values in
                // power_to_db's floor is relative to the clip's maximum: convert every batch first, then
                // floor and transform.
                var peak = -Float.infinity
                for first in stride(from: 0, to: frames, by: lanes) {
                    let db = Decibels.fromPower(batch: values.baseAddress! + first * bands, values: bands, frames: min(lanes, frames - first),
                                                scale: scale, amin: configuration.amin, ref: configuration.ref, kernels: kernels)
                    peak = max(peak, db)
                }
                let floor = configuration.topDB.map { peak - Float($0) } ?? -Float.infinity
                for first in stride(from: 0, to: frames, by: lanes) {
                    cepstrum.apply(batch: values.baseAddress! + first * bands, floor: floor, frames: min(lanes, frames - first),
                                   into: buffer.baseAddress! + first * coefficients, kernels: kernels)
                }
            }
            initialized = frames * coefficients
        }
        return (frames, coefficients, out)
    }
}
