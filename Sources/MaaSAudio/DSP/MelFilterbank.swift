import Glibc
internal import COpenBLAS

/// librosa's `filters.mel` matrix, applied to power spectra with `cblas_sgemm` one band group at a time.
///
/// The weights are computed as librosa computes them (float64 triangles rounded to float32, then scaled by
/// the Slaney factor in float64 and rounded again), so the matrix is bit-identical. Each triangle covers a
/// few bins only, so the dense [bins × mels] product would be ~98% multiplications by zero: bands are cut
/// into groups of `groupSize`, and each group multiplies only the bin range its triangles touch.
struct MelFilterbank: Sendable {
    struct Group: Sendable {
        let firstBand: Int
        let bands: Int
        let firstBin: Int
        let bins: Int
        /// Weights [bins × bands], row-major: the B operand of the group's product.
        let weights: [Float]
    }

    let bands: Int
    let frequencyBins: Int
    /// The full matrix [bands × bins], as librosa returns it (kept for tests and inspection).
    let matrix: [Float]
    let groups: [Group]

    static let groupSize = 8

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
        self.groups = Self.makeGroups(matrix, bands: bands, bins: bins)
    }

    private static func makeGroups(_ matrix: [Float], bands: Int, bins: Int) -> [Group] {
        var groups: [Group] = []
        var first = 0
        while first < bands {
            let count = min(groupSize, bands - first)
            var low = bins, high = -1
            for band in first..<(first + count) {
                for bin in 0..<bins where matrix[band * bins + bin] != 0 {
                    low = min(low, bin)
                    high = max(high, bin)
                }
            }
            // A group of empty triangles (more mels than the FFT resolves) contributes zeros: no product.
            if high >= low {
                let width = high - low + 1
                var weights = [Float](repeating: 0, count: width * count)
                for bin in 0..<width {
                    for band in 0..<count {
                        weights[bin * count + band] = matrix[(first + band) * bins + low + bin]
                    }
                }
                groups.append(Group(firstBand: first, bands: count, firstBin: low, bins: width, weights: weights))
            }
            first += count
        }
        return groups
    }

    /// mel[t][band] = Σ_bin power[bin][t] · weight[band][bin] for `frames` frames.
    ///
    /// `power` is bin-major ([bins][powerStride], frames contiguous), as the batched FFT writes it; `mel` is
    /// row-major [frames][bands] and must start zeroed (bands of empty groups are left untouched).
    func apply(power: UnsafePointer<Float>, powerStride: Int, frames: Int, mel: UnsafeMutablePointer<Float>) {
        for group in groups {
            group.weights.withUnsafeBufferPointer { weights in
                cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans,
                            Int32(frames), Int32(group.bands), Int32(group.bins),
                            1, power + group.firstBin * powerStride, Int32(powerStride),
                            weights.baseAddress, Int32(group.bands),
                            0, mel + group.firstBand, Int32(bands))
            }
        }
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
