import Glibc

/// librosa's `filters.mel` matrix, applied to power spectra bin by bin as they come out of the FFT.
///
/// The weights are computed as librosa computes them (float64 triangles rounded to float32, then scaled by
/// the Slaney factor in float64 and rounded again), so the matrix is bit-identical. Each triangle covers a
/// few bins and each bin lies in at most two triangles, so the [bins × mels] product would be ~98%
/// multiplications by zero: the matrix is kept by bin as (band, weight) lists, and each bin's power is added
/// to its bands while it is still in registers. The sums are librosa's, in a different order.
struct MelFilterbank: Sendable {
    let bands: Int
    let frequencyBins: Int
    /// The full matrix [bands × bins], as librosa returns it (kept for tests and inspection).
    let matrix: [Float]
    /// Entries of bin k are entryStart[k]..<entryStart[k+1] in entryBand / entryWeight.
    let entryStart: [Int]
    let entryBand: [Int]
    let entryWeight: [Float]

    init(_ configuration: MFCCConfiguration) {
        let bands = configuration.nMels
        let bins = configuration.frequencyBins
        let nFFT = configuration.nFFT
        let htk = configuration.melScale == .htk
        self.bands = bands
        self.frequencyBins = bins

        // numpy.fft.rfftfreq(n_fft, 1 / sr)
        let spacing = 1.0 / (Double(nFFT) * (1.0 / Double(configuration.sampleRate)))
        let fftFrequencies = (0..<bins).map { Double($0) * spacing }
        // mel_frequencies(n_mels + 2, fmin, fmax): numpy.linspace in mel, back to Hz
        let lowMel = Self.hzToMel(configuration.fMin, htk: htk)
        let highMel = Self.hzToMel(configuration.effectiveFMax, htk: htk)
        let points = bands + 2
        let step = (highMel - lowMel) / Double(points - 1)
        var melEdges = (0..<points).map { Self.melToHz(Double($0) * step + lowMel, htk: htk) }
        melEdges[points - 1] = Self.melToHz(highMel, htk: htk)

        var matrix = [Float](repeating: 0, count: bands * bins)
        for band in 0..<bands {
            let lowWidth = melEdges[band + 1] - melEdges[band]
            let highWidth = melEdges[band + 2] - melEdges[band + 1]
            let scale = configuration.melNormalization == .slaney ? 2.0 / (melEdges[band + 2] - melEdges[band]) : 1
            for bin in 0..<bins {
                let rising = -(melEdges[band] - fftFrequencies[bin]) / lowWidth
                let falling = (melEdges[band + 2] - fftFrequencies[bin]) / highWidth
                let triangle = Float(max(0, min(rising, falling)))
                matrix[band * bins + bin] = configuration.melNormalization == .slaney ? Float(Double(triangle) * scale) : triangle
            }
        }
        self.matrix = matrix
        var start = [0], band: [Int] = [], weight: [Float] = []
        for bin in 0..<bins {
            for b in 0..<bands where matrix[b * bins + bin] != 0 {
                band.append(b)
                weight.append(matrix[b * bins + bin])
            }
            start.append(band.count)
        }
        entryStart = start
        entryBand = band
        entryWeight = weight
    }

    // librosa.hz_to_mel / mel_to_hz, scalar versions.
    static func hzToMel(_ hz: Double, htk: Bool) -> Double {
        if htk { return 2595 * log10(1 + hz / 700) }
        let linearStep = 200.0 / 3
        let logStart = 1000.0
        let logStartMel = logStart / linearStep
        let logStep = log(6.4) / 27
        return hz >= logStart ? logStartMel + log(hz / logStart) / logStep : hz / linearStep
    }

    static func melToHz(_ mel: Double, htk: Bool) -> Double {
        if htk { return 700 * (pow(10, mel / 2595) - 1) }
        let linearStep = 200.0 / 3
        let logStart = 1000.0
        let logStartMel = logStart / linearStep
        let logStep = log(6.4) / 27
        return mel >= logStartMel ? logStart * exp(logStep * (mel - logStartMel)) : linearStep * mel
    }
}

/// Adds each bin's power to the mel bands it belongs to, for the frames of one batch (one per lane).
struct MelAccumulator: SpectrumSink {
    let start: UnsafePointer<Int>
    let band: UnsafePointer<Int>
    let weight: UnsafePointer<Float>
    /// One vector per band, zeroed before each batch.
    let sums: UnsafeMutablePointer<Lanes>

    @inline(__always)
    mutating func add(bin: Int, power: Lanes) {
        var entry = start[bin]
        let end = start[bin &+ 1]
        while entry < end {
            sums[band[entry]] += power * weight[entry]
            entry &+= 1
        }
    }
}
