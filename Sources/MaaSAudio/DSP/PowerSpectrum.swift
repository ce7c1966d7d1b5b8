import Glibc

/// |STFT|^power of windowed frames, computed eight frames at a time (one per `Lanes` lane).
///
/// A real frame of even length N is transformed as N/2 complex points (even samples real, odd samples
/// imaginary) and untangled afterwards, which halves the work; odd N uses a full-length complex transform.
struct PowerSpectrum: Sendable {
    let nFFT: Int
    let bins: Int
    let power: Float
    /// Periodic Hann of winLength samples, zero-padded to nFFT and centred (librosa's `get_window` + `pad_center`).
    let window: [Float]
    private let fft: ComplexFFT
    /// e^{-2πik/N} for k in 0...N/2, used to untangle the half-length transform.
    private let untangleRe: [Float]
    private let untangleIm: [Float]

    init(nFFT: Int, winLength: Int, power: Double) {
        self.nFFT = nFFT
        self.bins = nFFT / 2 + 1
        self.power = Float(power)
        var window = [Float](repeating: 0, count: nFFT)
        let offset = (nFFT - winLength) / 2
        for n in 0..<winLength {
            window[offset + n] = Float(0.5 - 0.5 * cos(2 * Double.pi * Double(n) / Double(winLength)))
        }
        self.window = window
        let half = nFFT % 2 == 0
        fft = ComplexFFT(size: half ? nFFT / 2 : nFFT)
        let count = half ? nFFT / 2 + 1 : 0
        untangleRe = (0..<count).map { Float(cos(-2 * Double.pi * Double($0) / Double(nFFT))) }
        untangleIm = (0..<count).map { Float(sin(-2 * Double.pi * Double($0) / Double(nFFT))) }
    }

    /// Work space for one thread: two Stockham buffer pairs of the complex transform's size.
    final class Scratch {
        let re: UnsafeMutablePointer<Lanes>, im: UnsafeMutablePointer<Lanes>
        let workRe: UnsafeMutablePointer<Lanes>, workIm: UnsafeMutablePointer<Lanes>

        init(size: Int) {
            re = .allocate(capacity: size)
            im = .allocate(capacity: size)
            workRe = .allocate(capacity: size)
            workIm = .allocate(capacity: size)
        }

        deinit {
            re.deallocate()
            im.deallocate()
            workRe.deallocate()
            workIm.deallocate()
        }
    }

    func makeScratch() -> Scratch {
        Scratch(size: fft.size)
    }

    /// Spectra of eight frames, each `nFFT` samples starting at `frames[lane]`, written bin-major:
    /// `out[bin · stride + lane]` for bin in 0..<bins.
    func compute(frames: [UnsafePointer<Float>], into out: UnsafeMutablePointer<Float>, stride: Int, scratch: Scratch) {
        let f0 = frames[0], f1 = frames[1], f2 = frames[2], f3 = frames[3]
        let f4 = frames[4], f5 = frames[5], f6 = frames[6], f7 = frames[7]
        @inline(__always) func gather(_ i: Int) -> Lanes {
            Lanes(f0[i], f1[i], f2[i], f3[i], f4[i], f5[i], f6[i], f7[i])
        }
        let re = scratch.re, im = scratch.im
        window.withUnsafeBufferPointer { w in
            if nFFT % 2 == 0 {
                for n in 0..<(nFFT / 2) {
                    re[n] = gather(2 * n) * w[2 * n]
                    im[n] = gather(2 * n + 1) * w[2 * n + 1]
                }
            } else {
                for n in 0..<nFFT {
                    re[n] = gather(n) * w[n]
                    im[n] = Lanes(repeating: 0)
                }
            }
        }
        let inWork = fft.transform(re: re, im: im, workRe: scratch.workRe, workIm: scratch.workIm)
        let zr = inWork ? scratch.workRe : re
        let zi = inWork ? scratch.workIm : im
        if nFFT % 2 == 0 {
            untangle(zr, zi, into: out, stride: stride)
        } else {
            for k in 0..<bins { store(zr[k], zi[k], at: out + k * stride) }
        }
    }

    /// X[k] = E[k] + e^{-2πik/N} · O[k], where E and O are the spectra of the even and odd samples:
    /// E[k] = (Z[k] + conj Z[M−k]) / 2 and O[k] = −i (Z[k] − conj Z[M−k]) / 2, with M = N/2, Z[M] = Z[0].
    private func untangle(_ zr: UnsafeMutablePointer<Lanes>, _ zi: UnsafeMutablePointer<Lanes>,
                          into out: UnsafeMutablePointer<Float>, stride: Int) {
        let m = nFFT / 2
        untangleRe.withUnsafeBufferPointer { cr in
            untangleIm.withUnsafeBufferPointer { ci in
                for k in 0...m {
                    let a = k == m ? 0 : k
                    let b = k == 0 ? 0 : m - k
                    let ar = zr[a], ai = zi[a], br = zr[b], bi = zi[b]
                    let er = (ar + br) * 0.5, ei = (ai - bi) * 0.5
                    let or = (ai + bi) * 0.5, oi = (br - ar) * 0.5
                    let xr = er + or * cr[k] - oi * ci[k]
                    let xi = ei + oi * cr[k] + or * ci[k]
                    store(xr, xi, at: out + k * stride)
                }
            }
        }
    }

    @inline(__always)
    private func store(_ re: Lanes, _ im: Lanes, at pointer: UnsafeMutablePointer<Float>) {
        let squared = re * re + im * im
        let value: Lanes
        if power == 2 {
            value = squared
        } else if power == 1 {
            value = squared.squareRoot()
        } else {
            var lanes = squared
            for i in 0..<Lanes.scalarCount { lanes[i] = pow(squared[i], power / 2) }
            value = lanes
        }
        UnsafeMutableRawPointer(pointer).storeBytes(of: value, as: Lanes.self)
    }
}
