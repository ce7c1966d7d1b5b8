import Glibc

// The butterfly of a Stockham stage whose radix is a prime above 5 (radices 2–5 run in CMaaSAudioKernels).
// With n = stage.length, s = stage.stride, r = radix, m = n / r:
//   a_j = x[q + s·(p + j·m)],  b = DFT_r(a),  y[q + s·(r·p + k)] = b_k · ω_n^{p·k}
// for p in 0..<m and q in 0..<s; the next stage sees r·s interleaved transforms of length m.

extension ComplexFFT {
    @inline(__always)
    private static func twiddle(_ re: Lanes, _ im: Lanes, _ wr: Float, _ wi: Float) -> (Lanes, Lanes) {
        (re * wr - im * wi, re * wi + im * wr)
    }

    /// Any prime radix: a direct DFT of r points per butterfly.
    static func radixGeneric(_ stage: Stage, _ xr: UnsafeMutablePointer<Lanes>, _ xi: UnsafeMutablePointer<Lanes>,
                             _ yr: UnsafeMutablePointer<Lanes>, _ yi: UnsafeMutablePointer<Lanes>) {
        let r = stage.radix, s = stage.stride, m = stage.length / r
        for p in 0..<m {
            for q in 0..<s {
                for k in 0..<r {
                    var accR = Lanes(repeating: 0), accI = Lanes(repeating: 0)
                    for j in 0..<r {
                        let root = (j * k) % r
                        let wr = stage.rootRe[root], wi = stage.rootIm[root]
                        let ar = xr[s * (p + j * m) + q], ai = xi[s * (p + j * m) + q]
                        accR += ar * wr - ai * wi
                        accI += ar * wi + ai * wr
                    }
                    let out = s * (r * p + k) + q
                    if k == 0 {
                        yr[out] = accR
                        yi[out] = accI
                    } else {
                        let t = p * (r - 1) + k - 1
                        (yr[out], yi[out]) = twiddle(accR, accI, stage.twiddleRe[t], stage.twiddleIm[t])
                    }
                }
            }
        }
    }
}
