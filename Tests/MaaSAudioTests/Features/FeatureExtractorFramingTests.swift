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
        let cosines = (0..<nFFT).map { cos(2 * Double.pi * Double($0) / Double(nFFT)) }
        let sines = (0..<nFFT).map { -sin(2 * Double.pi * Double($0) / Double(nFFT)) }
        let power = (0..<spectrum.bins).map { k -> Double in
            var re = 0.0, im = 0.0
            for n in 0..<nFFT {
                re += x[n] * cosines[(n * k) % nFFT]
                im += x[n] * sines[(n * k) % nFFT]
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

    // (nFFT, hop, centred, samples): hops that are and are not multiples of 16, a hop longer than the frame
    // and one longer than the signal, no centring, and enough frames for several chunks of every variant's
    // batches.
    @Test("frames across batch and chunk boundaries match a direct STFT, every variant",
          arguments: [(512, 160, true, 48000), (256, 441, true, 30000), (128, 300, false, 40000), (400, 100, true, 30000),
                      (64, 16, true, 25000), (256, 1 << 50, true, 3000)])
    func chunkBoundaries(nFFT: Int, hop: Int, center: Bool, samples: Int) throws {
        let configuration = Self.configuration(nFFT: nFFT, hop: hop, center: center)
        let signal = (0..<samples).map { Float(sin(Double($0) * 0.0123) * 0.5 + sin(Double($0 * $0 % 7919) * 0.37) * 0.1) }
        // The ends, and both sides of the batch boundaries of every variant (4, 8, 16 frames) and of the
        // chunks (128 frames).
        let frameCount = try FeatureExtractor(configuration).frameCount(samples: samples)
        let frames = [0, 1, 3, 4, 7, 8, 15, 16, 127, 128, 255, 256, frameCount - 2, frameCount - 1].filter { (0..<frameCount).contains($0) }
        let expected = frames.map { Self.directMel(signal, frame: $0, configuration: configuration) }
        for kernels in FFTKernels.available {
            let mel = try FeatureExtractor(configuration, kernels: kernels).melSpectrogram(AudioClip(samples: signal, sampleRate: configuration.sampleRate))
            var worst = 0.0
            for (frame, values) in zip(frames, expected) {
                let peak = values.max()!
                for (b, value) in values.enumerated() {
                    worst = max(worst, abs(Double(mel.values[frame * mel.bands + b]) - value) / max(value, peak * 1e-6))
                }
            }
            let name = kernels.name
            #expect(worst <= 1e-3, "\(name): max relative error \(worst)")
        }
    }

    // (nFFT, hop, samples): the two profiles on clips short and long, a hop longer than the frame, and one
    // so long that Framing caps it for a short clip (the table made in init does not apply then).
    @Test("each clip's framing gets the sample offsets of its own hop and row stride",
          arguments: [(2048, 512, 22050), (2048, 512, 1), (512, 160, 16000), (512, 160, 3_000_000), (256, 441, 30000),
                      (256, 1 << 50, 3000)])
    func framedOffsets(nFFT: Int, hop: Int, samples: Int) throws {
        let extractor = try FeatureExtractor(Self.configuration(nFFT: nFFT, hop: hop, center: true))
        let framing = Framing(nFFT: nFFT, hop: hop, samples: samples, lanes: extractor.spectrum.lanes)
        #expect(extractor.framedOffsets(framing) == extractor.spectrum.sampleOffsets(hop: framing.hop, rowStride: framing.rowStride))
    }
}
