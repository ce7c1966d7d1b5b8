import Glibc

// The butterfly of a Stockham stage whose radix is a prime above 5 (radices 2–5 run in CMaaSAudioKernels).
// With n = stage.length, s = stage.stride, r = radix, m = n / r, L = lanes:
//   a_j = x[q + s·(p + j·m)],  b = DFT_r(a),  y[q + s·(r·p + k)] = b_k · ω_n^{p·k}
// for p in 0..<m and q in 0..<s, each point being L floats; the next stage sees r·s interleaved transforms
// of length m.

extension ComplexFFT {
    /// Any prime radix: a direct DFT of r points per butterfly.
    static func radixGeneric(_ stage: Stage, lanes: Int, _ xr: UnsafeMutablePointer<Float>, _ xi: UnsafeMutablePointer<Float>,
                             _ yr: UnsafeMutablePointer<Float>, _ yi: UnsafeMutablePointer<Float>) {
        let r = stage.radix, s = stage.stride, m = stage.length / r
        for p in 0..<m {
            for q in 0..<s {
                for k in 0..<r {
                    let out = (s * (r * p + k) + q) * lanes
                    for lane in 0..<lanes {
                        var accR: Float = 0, accI: Float = 0
                        for j in 0..<r {
                            let root = (j * k) % r
                            let wr = stage.rootRe[root], wi = stage.rootIm[root]
                            let at = (s * (p + j * m) + q) * lanes + lane
                            accR += xr[at] * wr - xi[at] * wi
                            accI += xr[at] * wi + xi[at] * wr
                        }
                        if k == 0 {
                            yr[out + lane] = accR
                            yi[out + lane] = accI
                        } else {
                            let t = p * (r - 1) + k - 1
                            let wr = stage.twiddleRe[t], wi = stage.twiddleIm[t]
                            yr[out + lane] = accR * wr - accI * wi
                            yi[out + lane] = accR * wi + accI * wr
                        }
                    }
                }
            }
        }
    }
}
