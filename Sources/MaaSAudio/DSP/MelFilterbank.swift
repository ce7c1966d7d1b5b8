import Glibc

/// librosa's `filters.mel` matrix, applied to each batch of power spectra as it comes out of the FFT.
///
/// The weights are computed as librosa computes them (float64 triangles rounded to float32, then scaled by
/// the Slaney factor in float64 and rounded again), so the matrix is bit-identical. Each triangle covers a
/// few bins and each bin lies in at most two triangles, so the [bins × mels] product would be ~98%
/// multiplications by zero: each band keeps only the bin range its triangle spans, and sums that range of
/// a batch's power spectra (still in L1) in one contiguous loop. The sums are librosa's, in another order.
struct MelFilterbank: Sendable {
    let bands: Int
    let frequencyBins: Int
    /// Band b spans bins firstBin[b] ..< firstBin[b] + binCount[b]; its weights start at weightStart[b]
    /// in `weights`.
    let firstBin: [Int]
    let binCount: [Int]
    let weightStart: [Int]
    let weights: [Float]

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

        // Row by row, keeping only each triangle's span: the dense matrix is never stored (at nFFT 65536 and
        // 1024 mels it would be 134 MB).
        var row = [Float](repeating: 0, count: bins)
        var firstBin: [Int] = [], binCount: [Int] = [], weightStart: [Int] = [], weights: [Float] = []
        for band in 0..<bands {
            let lowWidth = melEdges[band + 1] - melEdges[band]
            let highWidth = melEdges[band + 2] - melEdges[band + 1]
            let scale = configuration.melNormalization == .slaney ? 2.0 / (melEdges[band + 2] - melEdges[band]) : 1
            for bin in 0..<bins {
                let rising = -(melEdges[band] - fftFrequencies[bin]) / lowWidth
                let falling = (melEdges[band + 2] - fftFrequencies[bin]) / highWidth
                let triangle = Float(max(0, min(rising, falling)))
                row[bin] = configuration.melNormalization == .slaney ? Float(Double(triangle) * scale) : triangle
            }
            let low = row.firstIndex { $0 != 0 } ?? 0
            let high = row.lastIndex { $0 != 0 } ?? -1
            firstBin.append(low)
            binCount.append(high - low + 1)
            weightStart.append(weights.count)
            if high >= low { weights.append(contentsOf: row[low...high]) }
        }
        self.firstBin = firstBin
        self.binCount = binCount
        self.weightStart = weightStart
        self.weights = weights
    }

    /// The full matrix [bands × bins], as librosa's `filters.mel` returns it (for tests and inspection).
    func denseMatrix() -> [Float] {
        var matrix = [Float](repeating: 0, count: bands * frequencyBins)
        for band in 0..<bands {
            for i in 0..<binCount[band] {
                matrix[band * frequencyBins + firstBin[band] + i] = weights[weightStart[band] + i]
            }
        }
        return matrix
    }

    /// sums[band] = Σ_bin power[bin] · weight[band][bin], for the frames of one batch: `power` holds
    /// `frequencyBins` values and `sums` `bands` values of `kernels.lanes` floats each.
    func apply(power: UnsafePointer<Float>, into sums: UnsafeMutablePointer<Float>, kernels: FFTKernels) {
        firstBin.withUnsafeBufferPointer { first in
            binCount.withUnsafeBufferPointer { count in
                weightStart.withUnsafeBufferPointer { start in
                    weights.withUnsafeBufferPointer { w in
                        // Every band empty (more mels than the FFT resolves): no weights at all, zero sums.
                        guard let weights = w.baseAddress else {
                            sums.initialize(repeating: 0, count: bands * kernels.lanes)
                            return
                        }
                        kernels.melBands(power, first: first.baseAddress!, count: count.baseAddress!, start: start.baseAddress!,
                                         weights: weights, bands: bands, into: sums)
                    }
                }
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
