import Glibc
import Testing
@testable import MaaSAudio

@Suite("ComplexFFT and PowerSpectrum")
struct ComplexFFTTests {
    /// Deterministic test signal for lane `lane`, point `n`.
    static func value(_ n: Int, _ lane: Int, _ part: Int) -> Float {
        Float(sin(Double(n * 7 + lane * 13 + part * 5) * 0.37) + 0.25 * cos(Double(n * n + lane) * 0.11))
    }

    /// Fills a batch of `lanes` transforms of `size` points, runs it and returns (re, im) of point k, lane.
    static func transformed(size: Int, kernels: FFTKernels) -> (input: [[(Float, Float)]], output: [[(Float, Float)]]) {
        let fft = ComplexFFT(size: size, kernels: kernels)
        let lanes = kernels.lanes
        let re = UnsafeMutablePointer<Float>.allocate(capacity: size * lanes), im = UnsafeMutablePointer<Float>.allocate(capacity: size * lanes)
        let wr = UnsafeMutablePointer<Float>.allocate(capacity: size * lanes), wi = UnsafeMutablePointer<Float>.allocate(capacity: size * lanes)
        defer { re.deallocate(); im.deallocate(); wr.deallocate(); wi.deallocate() }
        for n in 0..<size {
            for lane in 0..<lanes {
                re[n * lanes + lane] = value(n, lane, 0)
                im[n * lanes + lane] = value(n, lane, 1)
            }
        }
        let input = (0..<size).map { n in (0..<lanes).map { (re[n * lanes + $0], im[n * lanes + $0]) } }
        let inWork = fft.transform(re: re, im: im, workRe: wr, workIm: wi)
        let outRe = inWork ? wr : re, outIm = inWork ? wi : im
        let output = (0..<size).map { k in (0..<lanes).map { (outRe[k * lanes + $0], outIm[k * lanes + $0]) } }
        return (input, output)
    }

    @Test("matches a direct DFT for mixed-radix and prime sizes",
          arguments: [1, 2, 3, 4, 5, 6, 7, 8, 11, 12, 16, 32, 49, 60, 64, 128, 200, 256, 243, 400, 1024])
    func matchesDirectDFT(size: Int) {
        let kernels = FFTKernels.best
        let (input, output) = Self.transformed(size: size, kernels: kernels)
        var worst = 0.0, scale = 0.0
        // The first and last lanes (a direct DFT of every lane is slow in a debug build).
        for lane in [0, kernels.lanes - 1] {
            for k in 0..<size {
                var sr = 0.0, si = 0.0
                for n in 0..<size {
                    let angle = -2 * Double.pi * Double((n * k) % size) / Double(size)
                    let xr = Double(input[n][lane].0), xi = Double(input[n][lane].1)
                    sr += xr * cos(angle) - xi * sin(angle)
                    si += xr * sin(angle) + xi * cos(angle)
                }
                worst = max(worst, abs(Double(output[k][lane].0) - sr), abs(Double(output[k][lane].1) - si))
                scale = max(scale, abs(sr), abs(si))
            }
        }
        #expect(worst <= 1e-5 * max(scale, 1), "size \(size): max error \(worst) against peak \(scale)")
    }

    /// The batch's spectra of `frames` (one per lane, `kernels.lanes` of them), as [frame][bin].
    static func spectra(_ spectrum: PowerSpectrum, frames: [[Float]]) -> [[Float]] {
        let lanes = spectrum.lanes
        precondition(frames.count == lanes)
        // transposeSignal's layout with hop = nFFT: row n holds sample n of every frame.
        let nFFT = spectrum.nFFT
        var columns = [Float](repeating: 0, count: nFFT * lanes)
        for n in 0..<nFFT {
            for lane in 0..<lanes { columns[n * lanes + lane] = frames[lane][n] }
        }
        let scratch = spectrum.makeScratch()
        let offsets = spectrum.sampleOffsets(hop: nFFT, rowStride: lanes)
        columns.withUnsafeBufferPointer { c in
            offsets.withUnsafeBufferPointer { spectrum.compute(columns: c.baseAddress!, offsets: $0.baseAddress!, scratch: scratch) }
        }
        return (0..<lanes).map { lane in (0..<spectrum.bins).map { scratch.power[$0 * lanes + lane] } }
    }

    // Even lengths whose half-length transform ends in radix 2, 4, 8 and 16 (fused with the untangle: 4, 16,
    // 64, 256, 512, 2048, 8), or in 5 or 3 (not fused: 20, 36, 400), and odd lengths.
    @Test("|STFT|^power of real frames matches a direct DFT, even and odd lengths, every variant",
          arguments: [(4, 2.0), (8, 2), (16, 2), (64, 2), (256, 2), (15, 2), (20, 2), (36, 2), (400, 2), (512, 2), (2048, 2),
                      (512, 1), (30, 1.5)])
    func powerSpectrumMatchesDirectDFT(nFFT: Int, power: Double) {
        for kernels in FFTKernels.available {
            let spectrum = PowerSpectrum(nFFT: nFFT, winLength: nFFT - nFFT / 4, power: power, kernels: kernels)
            let frames = (0..<kernels.lanes).map { lane in (0..<nFFT).map { Self.value($0, lane, 2) } }
            let out = Self.spectra(spectrum, frames: frames)
            var worst = 0.0, peak = 0.0
            for lane in [0, kernels.lanes - 1] {
                for k in 0..<spectrum.bins {
                    var sr = 0.0, si = 0.0
                    for n in 0..<nFFT {
                        let x = Double(frames[lane][n]) * Double(spectrum.window[n])
                        let angle = -2 * Double.pi * Double((n * k) % nFFT) / Double(nFFT)
                        sr += x * cos(angle)
                        si += x * sin(angle)
                    }
                    let expected = pow(sr * sr + si * si, power / 2)
                    worst = max(worst, abs(Double(out[lane][k]) - expected))
                    peak = max(peak, expected)
                }
            }
            #expect(worst <= 1e-5 * peak, "\(kernels.name), nFFT \(nFFT): max error \(worst) against peak \(peak)")
        }
    }

    @Test("a frame's spectrum does not depend on its lane or on the other frames of its batch",
          arguments: [16, 34, 64, 256, 400, 512, 2048, 15])
    func lanesAreIndependent(nFFT: Int) {
        for kernels in FFTKernels.available {
            let spectrum = PowerSpectrum(nFFT: nFFT, winLength: nFFT, power: 2, kernels: kernels)
            let lanes = kernels.lanes
            let frames = (0..<lanes).map { lane in (0..<nFFT).map { Self.value($0, lane, 3) } }
            let together = Self.spectra(spectrum, frames: frames)
            for lane in [0, lanes / 2, lanes - 1] {
                // The same frame alone in lane `lane`, zeros elsewhere; and alone in lane 0.
                var alone = [[Float]](repeating: [Float](repeating: 0, count: nFFT), count: lanes)
                alone[lane] = frames[lane]
                #expect(Self.spectra(spectrum, frames: alone)[lane] == together[lane], "\(kernels.name), lane \(lane)")
                var moved = [[Float]](repeating: [Float](repeating: 0, count: nFFT), count: lanes)
                moved[0] = frames[lane]
                #expect(Self.spectra(spectrum, frames: moved)[0] == together[lane], "\(kernels.name), lane \(lane) moved to 0")
            }
        }
    }

    @Test("factors put radix 16 first, one smaller power of two after, and keep large primes whole")
    func factorization() {
        #expect(ComplexFFT.factors(1024) == [16, 16, 4])
        #expect(ComplexFFT.factors(256) == [16, 16])
        #expect(ComplexFFT.factors(128) == [16, 8])
        #expect(ComplexFFT.factors(200) == [8, 5, 5])
        #expect(ComplexFFT.factors(96) == [16, 2, 3])
        #expect(ComplexFFT.factors(1018) == [2, 509])
        #expect(ComplexFFT.factors(1) == [])
    }
}
