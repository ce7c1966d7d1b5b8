import Testing
@testable import MaaSAudio

@Suite("MelFilterbank")
struct MelFilterbankTests {
    @Test("the mel matrix has librosa's Slaney area normalisation")
    func slaneyArea() {
        let bank = MelFilterbank(.librosaDefault)
        let matrix = bank.denseMatrix()
        // With Slaney normalisation each triangle's area over Hz is 1: peak 2/(width) times width/2.
        let spacing = 22050.0 / 2048
        for band in [10, 64, 127] {
            let area = (0..<bank.frequencyBins).reduce(0.0) { $0 + Double(matrix[band * bank.frequencyBins + $1]) * spacing }
            #expect(abs(area - 1) < 0.05, "band \(band) area \(area)")
        }
        // Each band keeps exactly the span of its triangle: every non-zero weight, in order.
        for band in 0..<bank.bands {
            let row = matrix[(band * bank.frequencyBins)..<((band + 1) * bank.frequencyBins)].filter { $0 != 0 }
            let kept = bank.weights[bank.weightStart[band]..<(bank.weightStart[band] + bank.binCount[band])].filter { $0 != 0 }
            #expect(row == kept)
        }
    }

    @Test("HTK and Slaney scales invert each other and agree below 1 kHz only for Slaney's linear part",
          arguments: [0.0, 200, 999, 1000, 4000, 11025])
    func scalesInvert(hz: Double) {
        for htk in [false, true] {
            let back = MelFilterbank.melToHz(MelFilterbank.hzToMel(hz, htk: htk), htk: htk)
            #expect(abs(back - hz) < 1e-9 * max(1, hz))
        }
        // Slaney's scale is linear below 1 kHz: 3 mels per 200 Hz.
        if hz < 1000 { #expect(abs(MelFilterbank.hzToMel(hz, htk: false) - hz * 3 / 200) < 1e-12) }
    }

    @Test("more mels than the FFT resolves leaves empty bands, which sum to zero")
    func emptyBands() throws {
        var configuration = MFCCConfiguration.speech16k
        configuration.nFFT = 64
        configuration.nMels = 128
        let bank = MelFilterbank(configuration)
        #expect(bank.binCount.contains(0))
        let kernels = FFTKernels.best
        let lanes = kernels.lanes
        let power = UnsafeMutablePointer<Float>.allocate(capacity: bank.frequencyBins * lanes)
        let sums = UnsafeMutablePointer<Float>.allocate(capacity: bank.bands * lanes)
        defer { power.deallocate(); sums.deallocate() }
        power.initialize(repeating: 1, count: bank.frequencyBins * lanes)
        bank.apply(power: power, into: sums, kernels: kernels)
        for band in 0..<bank.bands where bank.binCount[band] == 0 {
            #expect((0..<lanes).allSatisfy { sums[band * lanes + $0] == 0 })
        }
    }
}
