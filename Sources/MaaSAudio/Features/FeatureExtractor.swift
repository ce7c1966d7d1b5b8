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

    /// Most values (frames × bands) a single call may produce: 2^28 floats is 1 GiB.
    public static let maxFeatureValues = 1 << 28

    public init(_ configuration: MFCCConfiguration) throws(AudioError) {
        try configuration.validate()
        self.configuration = configuration
        spectrum = PowerSpectrum(nFFT: configuration.nFFT, winLength: configuration.effectiveWinLength, power: configuration.power)
        filterbank = MelFilterbank(configuration)
        cepstrum = CepstralTransform(bands: configuration.nMels, coefficients: configuration.nMFCC, lifter: configuration.lifter)
    }

    /// The signal the features are computed from: resampled to the configured rate (exactly as librosa.load
    /// does) and, if configured, divided by its peak magnitude.
    public func prepare(_ clip: AudioClip) throws(AudioError) -> AudioClip {
        guard clip.sampleRate > 0, clip.sampleRate <= MFCCConfiguration.maxSampleRate else {
            throw AudioError(.invalidParameter(name: "clip sample rate", reason: "must be between 1 and \(MFCCConfiguration.maxSampleRate) Hz, got \(clip.sampleRate)"))
        }
        guard !clip.samples.isEmpty else { throw AudioError(.empty) }
        try AudioDecoder.checkFinite(clip.samples)
        var samples = try Resampler.resample(clip.samples, from: clip.sampleRate, to: configuration.sampleRate)
        if configuration.peakNormalize { Self.peakNormalize(&samples) }
        return AudioClip(samples: samples, sampleRate: configuration.sampleRate)
    }

    /// librosa.feature.melspectrogram of the prepared clip: power per mel band, [frames × nMels] row-major.
    public func melSpectrogram(_ clip: AudioClip) throws(AudioError) -> (frames: Int, bands: Int, values: [Float]) {
        let prepared = try prepare(clip)
        let (frames, mel) = try melPower(prepared.samples)
        return (frames, configuration.nMels, mel)
    }

    /// librosa.feature.mfcc of the prepared clip: [frames × nMFCC] row-major, frames = 1 + samples / hop.
    public func mfcc(_ clip: AudioClip) throws(AudioError) -> (frames: Int, coefficients: Int, values: [Float]) {
        let prepared = try prepare(clip)
        var (frames, mel) = try melPower(prepared.samples)
        mel.withUnsafeMutableBufferPointer { values in
            Decibels.fromPower(values, amin: configuration.amin, ref: configuration.ref, topDB: configuration.topDB)
        }
        let coefficients = configuration.nMFCC
        let out = [Float](unsafeUninitializedCapacity: frames * coefficients) { buffer, initialized in
            mel.withUnsafeBufferPointer { decibels in
                cepstrum.apply(decibels: decibels.baseAddress!, frames: frames, into: buffer.baseAddress!)
            }
            initialized = frames * coefficients
        }
        return (frames, coefficients, out)
    }

    /// librosa.util.normalize(y): y / max|y|; a signal whose peak is below the smallest normal float stays as is.
    static func peakNormalize(_ samples: inout [Float]) {
        var peak: Float = 0
        for x in samples { peak = max(peak, abs(x)) }
        guard peak >= Float.leastNormalMagnitude else { return }
        for i in samples.indices { samples[i] /= peak }
    }
}
