/// Every parameter of the MFCC front-end; the defaults are librosa 0.11's (`librosa.load` at 22050 Hz, then
/// `util.normalize`, then `feature.mfcc` with its defaults).
///
/// Decoding with `Codable` fills any missing key with its default, so a model's config file names only what
/// differs from librosa.
public struct MFCCConfiguration: Sendable, Hashable, Codable {
    public enum MelScale: String, Sendable, Hashable, Codable {
        /// Slaney's Auditory Toolbox scale (librosa's `htk=False`): linear below 1 kHz, logarithmic above.
        case slaney
        /// HTK's `2595 · log10(1 + f / 700)` (librosa's `htk=True`).
        case htk
    }

    public enum MelNormalization: String, Sendable, Hashable, Codable {
        /// Each triangle divided by its width in Hz (librosa's `norm="slaney"`): constant energy per band.
        case slaney
        /// Triangles peak at 1 (librosa's `norm=None`).
        case none
    }

    /// Rate the audio is resampled to before analysis, in Hz (librosa's `sr`).
    public var sampleRate: Int = 22050
    /// Whether to divide the resampled signal by its peak magnitude (`librosa.util.normalize`); silence stays zero.
    public var peakNormalize: Bool = true
    /// FFT length in samples; any size works (fastest when made of the primes 2, 3, 5).
    public var nFFT: Int = 2048
    /// Samples between frame starts.
    public var hopLength: Int = 512
    /// Length of the periodic Hann window, centred in the FFT frame; nil means nFFT.
    public var winLength: Int? = nil
    /// Pad nFFT/2 zeros at both ends so frame t is centred on sample t · hop (librosa's `center=True`,
    /// `pad_mode="constant"`); frames = 1 + samples / hop. Without it frames = 1 + (samples − nFFT) / hop.
    public var center: Bool = true
    /// Exponent of the magnitude spectrum: 2 is power, 1 is magnitude.
    public var power: Double = 2
    public var nMels: Int = 128
    public var fMin: Double = 0
    /// Highest mel frequency in Hz; nil means sampleRate / 2.
    public var fMax: Double? = nil
    public var melScale: MelScale = .slaney
    public var melNormalization: MelNormalization = .slaney
    /// `power_to_db`: 10 · log10(max(S, amin) / ref), floored at (clip maximum − topDB) unless topDB is nil.
    public var amin: Double = 1e-10
    public var ref: Double = 1
    public var topDB: Double? = 80
    /// Number of cepstral coefficients kept from the orthonormal DCT-II.
    public var nMFCC: Int = 20
    /// Cepstral liftering `1 + (L/2) · sin(π (k+1) / L)`; 0 disables it (librosa's default).
    public var lifter: Double = 0

    public init() {}

    /// librosa 0.11's defaults: 22050 Hz, nFFT 2048, hop 512, 128 Slaney mels, 20 coefficients.
    public static let librosaDefault = MFCCConfiguration()

    /// The common 16 kHz speech profile: nFFT 512 (32 ms), hop 160 (10 ms), 40 mels, 13 coefficients.
    public static let speech16k: MFCCConfiguration = {
        var configuration = MFCCConfiguration()
        configuration.sampleRate = 16000
        configuration.nFFT = 512
        configuration.hopLength = 160
        configuration.nMels = 40
        configuration.nMFCC = 13
        return configuration
    }()

    var effectiveWinLength: Int { winLength ?? nFFT }
    var effectiveFMax: Double { fMax ?? Double(sampleRate) / 2 }
    var frequencyBins: Int { nFFT / 2 + 1 }

    /// Bounds that keep every table the extractor builds small (the mel matrix is nMels × (nFFT/2 + 1)).
    public static let maxSampleRate = 768_000
    public static let maxFFTLength = 65536
    public static let maxMels = 1024

    func validate() throws(AudioError) {
        func invalid(_ name: String, _ reason: String) -> AudioError {
            AudioError(.invalidParameter(name: name, reason: reason))
        }
        guard (1...Self.maxSampleRate).contains(sampleRate) else {
            throw invalid("sampleRate", "must be between 1 and \(Self.maxSampleRate) Hz, got \(sampleRate)")
        }
        guard (2...Self.maxFFTLength).contains(nFFT) else {
            throw invalid("nFFT", "must be between 2 and \(Self.maxFFTLength), got \(nFFT)")
        }
        guard hopLength >= 1 else { throw invalid("hopLength", "must be at least 1, got \(hopLength)") }
        guard (1...nFFT).contains(effectiveWinLength) else {
            throw invalid("winLength", "must be between 1 and nFFT (\(nFFT)), got \(effectiveWinLength)")
        }
        guard power.isFinite, power > 0 else { throw invalid("power", "must be positive, got \(power)") }
        guard (1...Self.maxMels).contains(nMels) else {
            throw invalid("nMels", "must be between 1 and \(Self.maxMels), got \(nMels)")
        }
        guard fMin.isFinite, fMin >= 0 else { throw invalid("fMin", "must be at least 0 Hz, got \(fMin)") }
        let fMax = effectiveFMax
        guard fMax.isFinite, fMax > fMin, fMax <= Double(sampleRate) / 2 else {
            throw invalid("fMax", "must be above fMin (\(fMin) Hz) and at most sampleRate / 2 (\(Double(sampleRate) / 2) Hz), got \(fMax)")
        }
        guard amin.isFinite, amin > 0 else { throw invalid("amin", "must be positive, got \(amin)") }
        guard ref.isFinite, ref > 0 else { throw invalid("ref", "must be positive, got \(ref)") }
        if let topDB {
            guard topDB.isFinite, topDB >= 0 else { throw invalid("topDB", "must be at least 0 dB or absent, got \(topDB)") }
        }
        guard (1...nMels).contains(nMFCC) else {
            throw invalid("nMFCC", "must be between 1 and nMels (\(nMels)), got \(nMFCC)")
        }
        guard lifter.isFinite, lifter >= 0 else { throw invalid("lifter", "must be at least 0, got \(lifter)") }
    }
}

extension MFCCConfiguration {
    private enum CodingKeys: String, CodingKey {
        case sampleRate, peakNormalize, nFFT, hopLength, winLength, center, power, nMels, fMin, fMax
        case melScale, melNormalization, amin, ref, topDB, nMFCC, lifter
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        var v = MFCCConfiguration()
        v.sampleRate = try c.decodeIfPresent(Int.self, forKey: .sampleRate) ?? v.sampleRate
        v.peakNormalize = try c.decodeIfPresent(Bool.self, forKey: .peakNormalize) ?? v.peakNormalize
        v.nFFT = try c.decodeIfPresent(Int.self, forKey: .nFFT) ?? v.nFFT
        v.hopLength = try c.decodeIfPresent(Int.self, forKey: .hopLength) ?? v.hopLength
        v.winLength = try c.decodeIfPresent(Int.self, forKey: .winLength)
        v.center = try c.decodeIfPresent(Bool.self, forKey: .center) ?? v.center
        v.power = try c.decodeIfPresent(Double.self, forKey: .power) ?? v.power
        v.nMels = try c.decodeIfPresent(Int.self, forKey: .nMels) ?? v.nMels
        v.fMin = try c.decodeIfPresent(Double.self, forKey: .fMin) ?? v.fMin
        v.fMax = try c.decodeIfPresent(Double.self, forKey: .fMax)
        v.melScale = try c.decodeIfPresent(MelScale.self, forKey: .melScale) ?? v.melScale
        v.melNormalization = try c.decodeIfPresent(MelNormalization.self, forKey: .melNormalization) ?? v.melNormalization
        v.amin = try c.decodeIfPresent(Double.self, forKey: .amin) ?? v.amin
        v.ref = try c.decodeIfPresent(Double.self, forKey: .ref) ?? v.ref
        // An explicit null turns the floor off; a missing key keeps librosa's 80 dB.
        if c.contains(.topDB) {
            v.topDB = try c.decodeNil(forKey: .topDB) ? nil : try c.decode(Double.self, forKey: .topDB)
        }
        v.nMFCC = try c.decodeIfPresent(Int.self, forKey: .nMFCC) ?? v.nMFCC
        v.lifter = try c.decodeIfPresent(Double.self, forKey: .lifter) ?? v.lifter
        self = v
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(sampleRate, forKey: .sampleRate)
        try c.encode(peakNormalize, forKey: .peakNormalize)
        try c.encode(nFFT, forKey: .nFFT)
        try c.encode(hopLength, forKey: .hopLength)
        try c.encodeIfPresent(winLength, forKey: .winLength)
        try c.encode(center, forKey: .center)
        try c.encode(power, forKey: .power)
        try c.encode(nMels, forKey: .nMels)
        try c.encode(fMin, forKey: .fMin)
        try c.encodeIfPresent(fMax, forKey: .fMax)
        try c.encode(melScale, forKey: .melScale)
        try c.encode(melNormalization, forKey: .melNormalization)
        try c.encode(amin, forKey: .amin)
        try c.encode(ref, forKey: .ref)
        // Written as null when off, so a round trip does not bring the default floor back.
        if let topDB { try c.encode(topDB, forKey: .topDB) } else { try c.encodeNil(forKey: .topDB) }
        try c.encode(nMFCC, forKey: .nMFCC)
        try c.encode(lifter, forKey: .lifter)
    }
}
