import Glibc
import Testing
@testable import MaaSAudio

@Suite("ComplexFFT and PowerSpectrum")
struct ComplexFFTTests {
    /// Deterministic test signal for lane `lane`, point `n`.
    static func value(_ n: Int, _ lane: Int, _ part: Int) -> Float {
        Float(sin(Double(n * 7 + lane * 13 + part * 5) * 0.37) + 0.25 * cos(Double(n * n + lane) * 0.11))
    }

    @Test("matches a direct DFT for mixed-radix and prime sizes",
          arguments: [1, 2, 3, 4, 5, 6, 7, 8, 11, 12, 16, 49, 60, 64, 200, 256, 243, 400, 1024])
    func matchesDirectDFT(size: Int) {
        let fft = ComplexFFT(size: size)
        let re = UnsafeMutablePointer<Lanes>.allocate(capacity: size), im = UnsafeMutablePointer<Lanes>.allocate(capacity: size)
        let wr = UnsafeMutablePointer<Lanes>.allocate(capacity: size), wi = UnsafeMutablePointer<Lanes>.allocate(capacity: size)
        defer { re.deallocate(); im.deallocate(); wr.deallocate(); wi.deallocate() }
        for n in 0..<size {
            re[n] = Lanes((0..<Lanes.scalarCount).map { Self.value(n, $0, 0) })
            im[n] = Lanes((0..<Lanes.scalarCount).map { Self.value(n, $0, 1) })
        }
        let input = (0..<size).map { (re[$0], im[$0]) }
        let inWork = fft.transform(re: re, im: im, workRe: wr, workIm: wi)
        let outRe = inWork ? wr : re, outIm = inWork ? wi : im
        var worst = 0.0, scale = 0.0
        for lane in 0..<Lanes.scalarCount {
            for k in 0..<size {
                var sr = 0.0, si = 0.0
                for n in 0..<size {
                    let angle = -2 * Double.pi * Double((n * k) % size) / Double(size)
                    let xr = Double(input[n].0[lane]), xi = Double(input[n].1[lane])
                    sr += xr * cos(angle) - xi * sin(angle)
                    si += xr * sin(angle) + xi * cos(angle)
                }
                worst = max(worst, abs(Double(outRe[k][lane]) - sr), abs(Double(outIm[k][lane]) - si))
                scale = max(scale, abs(sr), abs(si))
            }
        }
        #expect(worst <= 1e-5 * max(scale, 1), "size \(size): max error \(worst) against peak \(scale)")
    }

    @Test("|STFT|^power of real frames matches a direct DFT, even and odd lengths",
          arguments: [(8, 2.0), (15, 2), (20, 2), (400, 2), (512, 2), (2048, 2), (512, 1), (30, 1.5)])
    func powerSpectrumMatchesDirectDFT(nFFT: Int, power: Double) {
        let spectrum = PowerSpectrum(nFFT: nFFT, winLength: nFFT - nFFT / 4, power: power)
        let lanes = Lanes.scalarCount
        let frames = (0..<lanes).map { lane in (0..<nFFT).map { Self.value($0, lane, 2) } }
        let pointers = frames.map { frame in
            let p = UnsafeMutablePointer<Float>.allocate(capacity: nFFT)
            p.initialize(from: frame, count: nFFT)
            return p
        }
        defer { pointers.forEach { $0.deallocate() } }
        let bins = nFFT / 2 + 1
        let out = UnsafeMutablePointer<Lanes>.allocate(capacity: bins)
        defer { out.deallocate() }
        spectrum.compute(frames: pointers.map { UnsafePointer($0) }, into: out, scratch: spectrum.makeScratch())
        var worst = 0.0, peak = 0.0
        for lane in 0..<lanes {
            for k in 0..<bins {
                var sr = 0.0, si = 0.0
                for n in 0..<nFFT {
                    let x = Double(frames[lane][n]) * Double(spectrum.window[n])
                    let angle = -2 * Double.pi * Double((n * k) % nFFT) / Double(nFFT)
                    sr += x * cos(angle)
                    si += x * sin(angle)
                }
                let expected = pow(sr * sr + si * si, power / 2)
                worst = max(worst, abs(Double(out[k][lane]) - expected))
                peak = max(peak, expected)
            }
        }
        #expect(worst <= 1e-5 * peak, "nFFT \(nFFT): max error \(worst) against peak \(peak)")
    }

    @Test("factors put radix 4 first and keep large primes whole")
    func factorization() {
        #expect(ComplexFFT.factors(1024) == [4, 4, 4, 4, 4])
        #expect(ComplexFFT.factors(200) == [4, 2, 5, 5])
        #expect(ComplexFFT.factors(1018) == [2, 509])
        #expect(ComplexFFT.factors(1) == [])
    }
}
