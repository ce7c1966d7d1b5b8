import Testing
@testable import MaaSAudio

@Suite("PowerSpectrum")
struct PowerSpectrumTests {
    // (nFFT, hop, rowStride): the two profiles' framings, a hop of 1, hops equal to and longer than the
    // frame, odd sizes, and one hop that does not divide nFFT.
    @Test("sample offsets are (n % hop) · rowStride + n / hop",
          arguments: [(2048, 512, 144), (512, 160, 144), (400, 160, 48), (2048, 2048, 16), (2048, 3000, 16), (2048, 1, 2064),
                      (7, 3, 16), (1, 1, 16), (15, 4, 32), (64, 16, 144)])
    func sampleOffsets(nFFT: Int, hop: Int, rowStride: Int) {
        let spectrum = PowerSpectrum(nFFT: nFFT, winLength: nFFT, power: 2)
        let formula = (0..<nFFT).map { ($0 % hop) * rowStride + $0 / hop }
        #expect(spectrum.sampleOffsets(hop: hop, rowStride: rowStride) == formula)
    }
}
