import Glibc
import Testing
@testable import MaaSAudio

/// The framing (a transposed copy of the signal, a chunk of batches at a time) against a direct STFT, for
/// frames at the signal's ends and on either side of batch and chunk boundaries.
@Suite("FeatureExtractor framing")
struct FeatureExtractorFramingTests {
    /// Mel power of frame `frame`, computed directly: zero padding, window, DFT in Double, dense mel matrix.
    static func directMel(_ signal: [Float], frame: Int, configuration: MFCCConfiguration) -> [Double] {
        let nFFT = configuration.nFFT
        let spectrum = PowerSpectrum(nFFT: nFFT, winLength: configuration.effectiveWinLength, power: 2)
        let begin = frame * configuration.hopLength - (configuration.center ? nFFT / 2 : 0)
        let x = (0..<nFFT).map { n -> Double in
            let at = begin + n
            return at >= 0 && at < signal.count ? Double(signal[at]) * Double(spectrum.window[n]) : 0
        }
        let power = (0..<spectrum.bins).map { k -> Double in
            var re = 0.0, im = 0.0
            for n in 0..<nFFT {
                let angle = -2 * Double.pi * Double((n * k) % nFFT) / Double(nFFT)
                re += x[n] * cos(angle)
                im += x[n] * sin(angle)
            }
            return re * re + im * im
        }
        let bank = MelFilterbank(configuration)
        let matrix = bank.denseMatrix()
        return (0..<bank.bands).map { b in (0..<bank.frequencyBins).reduce(0.0) { $0 + Double(matrix[b * bank.frequencyBins + $1]) * power[$1] } }
    }

    static func configuration(nFFT: Int, hop: Int, center: Bool) -> MFCCConfiguration {
        var configuration = MFCCConfiguration.speech16k
        configuration.nFFT = nFFT
        configuration.hopLength = hop
        configuration.center = center
        configuration.peakNormalize = false
        return configuration
    }

    // (nFFT, hop, centred, samples): hops that are and are not multiples of 16, a hop longer than the frame,
    // no centring, and enough frames for several chunks of every variant's batches.
    @Test("frames across batch and chunk boundaries match a direct STFT, every variant",
          arguments: [(512, 160, true, 48000), (256, 441, true, 30000), (128, 300, false, 40000), (400, 100, true, 30000),
                      (64, 16, true, 25000)])
    func chunkBoundaries(nFFT: Int, hop: Int, center: Bool, samples: Int) throws {
        let configuration = Self.configuration(nFFT: nFFT, hop: hop, center: center)
        let signal = (0..<samples).map { Float(sin(Double($0) * 0.0123) * 0.5 + sin(Double($0 * $0 % 7919) * 0.37) * 0.1) }
        for kernels in FFTKernels.available {
            let extractor = try FeatureExtractor(configuration, kernels: kernels)
            let mel = try extractor.melSpectrogram(AudioClip(samples: signal, sampleRate: configuration.sampleRate))
            let lanes = kernels.lanes
            // The ends, and both sides of every batch boundary up to 300 (chunks are 128 frames, or fewer).
            var frames: Set<Int> = [0, 1, mel.frames - 2, mel.frames - 1]
            for edge in stride(from: lanes, to: min(mel.frames, 300), by: lanes) { frames.formUnion([edge - 1, edge]) }
            var worst = 0.0
            for frame in frames.sorted() where frame >= 0 && frame < mel.frames {
                let expected = Self.directMel(signal, frame: frame, configuration: configuration)
                let peak = expected.max()!
                for (b, value) in expected.enumerated() {
                    worst = max(worst, abs(Double(mel.values[frame * mel.bands + b]) - value) / max(value, peak * 1e-6))
                }
            }
            let name = kernels.name
            #expect(worst <= 1e-3, "\(name): max relative error \(worst)")
        }
    }
}
