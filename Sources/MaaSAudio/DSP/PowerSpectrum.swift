import Glibc

/// |STFT|^power of windowed frames, computed `Lanes.scalarCount` frames at a time (one per lane).
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
    ///
    /// The four buffers share one allocation, each starting one cache line further into a 4 KiB page than
    /// the last. A 1024-point stage reads and writes sixteen streams 4 KiB apart; were the buffers aligned
    /// alike, all sixteen would compete for the same L1 set and the last stage would run from L2.
    final class Scratch {
        let re: UnsafeMutablePointer<Lanes>, im: UnsafeMutablePointer<Lanes>
        let workRe: UnsafeMutablePointer<Lanes>, workIm: UnsafeMutablePointer<Lanes>
        private let raw: UnsafeMutableRawPointer

        init(size: Int) {
            let line = 64 / MemoryLayout<Lanes>.stride
            // Cache-line aligned: the AVX-512 stages load 64 bytes at a time, and malloc's 16-byte alignment
            // made every such load straddle two lines (a 60 s clip took 0.19 ms/s instead of 0.14 whenever
            // the allocator happened to hand out a misaligned block).
            raw = .allocate(byteCount: (4 * size + 4 * line) * MemoryLayout<Lanes>.stride, alignment: 64)
            let block = raw.bindMemory(to: Lanes.self, capacity: 4 * size + 4 * line)
            re = block
            im = block + size + line
            workRe = block + 2 * size + 2 * line
            workIm = block + 3 * size + 3 * line
        }

        deinit {
            raw.deallocate()
        }
    }

    func makeScratch() -> Scratch {
        Scratch(size: fft.size)
    }

    /// Spectra of `Lanes.scalarCount` frames, each `nFFT` samples starting at `frames[lane]`: `power[bin]`
    /// holds bin `bin` of every frame, for bin in 0..<bins.
    func compute(frames: [UnsafePointer<Float>], into power: UnsafeMutablePointer<Lanes>, scratch: Scratch) {
        load(frames, into: scratch)
        let inWork = fft.transform(re: scratch.re, im: scratch.im, workRe: scratch.workRe, workIm: scratch.workIm)
        let zr = inWork ? scratch.workRe : scratch.re
        let zi = inWork ? scratch.workIm : scratch.im
        if nFFT % 2 == 0 {
            untangle(zr, zi, into: power)
        } else {
            for k in 0..<bins { power[k] = zr[k] * zr[k] + zi[k] * zi[k] }
        }
        // |X|² above; other exponents in a separate pass so the hot loops stay pure vector arithmetic.
        if self.power == 1 {
            for k in 0..<bins { power[k] = power[k].squareRoot() }
        } else if self.power != 2 {
            let exponent = self.power / 2
            for k in 0..<bins {
                for lane in 0..<Lanes.scalarCount { power[k][lane] = pow(power[k][lane], exponent) }
            }
        }
    }

    /// Windows the frames and transposes them so that lane `lane` of vector n holds sample n of frame `lane`
    /// (for even nFFT, samples 2n and 2n+1 as the real and imaginary parts).
    private func load(_ frames: [UnsafePointer<Float>], into scratch: Scratch) {
        let re = scratch.re, im = scratch.im
        window.withUnsafeBufferPointer { w in
            let lanes = Lanes.scalarCount
            var start = 0
            if lanes == 4, nFFT % 2 == 0 {
                // Eight samples of four frames at a time: vector loads, then a 4 × 4 transpose of the even
                // and of the odd samples.
                typealias Row = SIMD8<Float>
                let f0 = UnsafeRawPointer(frames[0]), f1 = UnsafeRawPointer(frames[1])
                let f2 = UnsafeRawPointer(frames[2]), f3 = UnsafeRawPointer(frames[3])
                let wp = UnsafeRawPointer(w.baseAddress!)
                while start &+ 8 <= nFFT {
                    let offset = start &* 4
                    let weights = wp.loadUnaligned(fromByteOffset: offset, as: Row.self)
                    let r0 = f0.loadUnaligned(fromByteOffset: offset, as: Row.self) * weights
                    let r1 = f1.loadUnaligned(fromByteOffset: offset, as: Row.self) * weights
                    let r2 = f2.loadUnaligned(fromByteOffset: offset, as: Row.self) * weights
                    let r3 = f3.loadUnaligned(fromByteOffset: offset, as: Row.self) * weights
                    let n = start / 2
                    Self.transpose(r0.evenHalf, r1.evenHalf, r2.evenHalf, r3.evenHalf, into: re + n)
                    Self.transpose(r0.oddHalf, r1.oddHalf, r2.oddHalf, r3.oddHalf, into: im + n)
                    start &+= 8
                }
            }
            // Whatever the vector path left (odd or short lengths), one sample at a time.
            let reFloats = UnsafeMutableRawPointer(re).assumingMemoryBound(to: Float.self)
            let imFloats = UnsafeMutableRawPointer(im).assumingMemoryBound(to: Float.self)
            for lane in 0..<lanes {
                let frame = frames[lane]
                if nFFT % 2 == 0 {
                    for n in (start / 2)..<(nFFT / 2) {
                        reFloats[n * lanes + lane] = frame[2 * n] * w[2 * n]
                        imFloats[n * lanes + lane] = frame[2 * n + 1] * w[2 * n + 1]
                    }
                } else {
                    for n in 0..<nFFT {
                        reFloats[n * lanes + lane] = frame[n] * w[n]
                        imFloats[n * lanes + lane] = 0
                    }
                }
            }
        }
    }

    /// Rows a, b, c, d in; columns (a_j, b_j, c_j, d_j) out, by two rounds of even/odd unzipping.
    @inline(__always)
    private static func transpose(_ a: SIMD4<Float>, _ b: SIMD4<Float>, _ c: SIMD4<Float>, _ d: SIMD4<Float>,
                                  into out: UnsafeMutablePointer<Lanes>) {
        let ab = SIMD8(lowHalf: a, highHalf: b), cd = SIMD8(lowHalf: c, highHalf: d)
        let even = SIMD8(lowHalf: ab.evenHalf, highHalf: cd.evenHalf)  // a0 a2 b0 b2 c0 c2 d0 d2
        let odd = SIMD8(lowHalf: ab.oddHalf, highHalf: cd.oddHalf)     // a1 a3 b1 b3 c1 c3 d1 d3
        let raw = UnsafeMutableRawPointer(out)
        raw.storeBytes(of: even.evenHalf, toByteOffset: 0, as: SIMD4<Float>.self)
        raw.storeBytes(of: odd.evenHalf, toByteOffset: 16, as: SIMD4<Float>.self)
        raw.storeBytes(of: even.oddHalf, toByteOffset: 32, as: SIMD4<Float>.self)
        raw.storeBytes(of: odd.oddHalf, toByteOffset: 48, as: SIMD4<Float>.self)
    }

    /// X[k] = E[k] + e^{-2πik/N} · O[k], where E and O are the spectra of the even and odd samples:
    /// E[k] = (Z[k] + conj Z[M−k]) / 2 and O[k] = −i (Z[k] − conj Z[M−k]) / 2, with M = N/2, Z[M] = Z[0].
    /// Since E[M−k] = conj E[k] and O[M−k] = conj O[k], X[M−k] = conj(E[k] − e^{-2πik/N} · O[k]): bins k and
    /// M−k come from the same two loads.
    private func untangle(_ zr: UnsafeMutablePointer<Lanes>, _ zi: UnsafeMutablePointer<Lanes>,
                          into power: UnsafeMutablePointer<Lanes>) {
        let m = nFFT / 2
        // k = 0 and k = M: Z[0]'s real and imaginary parts are the sums of the even and odd samples.
        let zero = Lanes(repeating: 0)
        power[0] = squaredMagnitude(zr[0] + zi[0], zero)
        power[m] = squaredMagnitude(zr[0] - zi[0], zero)
        untangleRe.withUnsafeBufferPointer { cr in
            untangleIm.withUnsafeBufferPointer { ci in
                var k = 1
                while 2 &* k <= m {
                    let ar = zr[k], ai = zi[k], br = zr[m &- k], bi = zi[m &- k]
                    let er = (ar + br) * 0.5, ei = (ai - bi) * 0.5
                    let or = (ai + bi) * 0.5, oi = (br - ar) * 0.5
                    let wr = or * cr[k] - oi * ci[k]
                    let wi = oi * cr[k] + or * ci[k]
                    power[k] = squaredMagnitude(er + wr, ei + wi)
                    if 2 &* k != m { power[m &- k] = squaredMagnitude(er - wr, ei - wi) }
                    k &+= 1
                }
            }
        }
    }

    @inline(__always)
    private func squaredMagnitude(_ re: Lanes, _ im: Lanes) -> Lanes {
        re * re + im * im
    }
}
