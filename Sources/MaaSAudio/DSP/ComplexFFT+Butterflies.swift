import Glibc

// The butterflies of one Stockham stage. With n = stage.length, s = stage.stride, r = radix, m = n / r:
//   a_j = x[q + s·(p + j·m)],  b = DFT_r(a),  y[q + s·(r·p + k)] = b_k · ω_n^{p·k}
// for p in 0..<m and q in 0..<s; the next stage sees r·s interleaved transforms of length m.

extension ComplexFFT {
    @inline(__always)
    private static func twiddle(_ re: Lanes, _ im: Lanes, _ wr: Float, _ wi: Float) -> (Lanes, Lanes) {
        (re * wr - im * wi, re * wi + im * wr)
    }

    static func radix2(_ stage: Stage, _ xr: UnsafeMutablePointer<Lanes>, _ xi: UnsafeMutablePointer<Lanes>,
                       _ yr: UnsafeMutablePointer<Lanes>, _ yi: UnsafeMutablePointer<Lanes>) {
        let s = stage.stride, m = stage.length / 2
        stage.twiddleRe.withUnsafeBufferPointer { twr in
            stage.twiddleIm.withUnsafeBufferPointer { twi in
                for p in 0..<m {
                    let wr = twr[p], wi = twi[p]
                    let i0 = s * p, i1 = s * (p + m), o0 = s * 2 * p, o1 = o0 + s
                    for q in 0..<s {
                        let ar = xr[i0 + q], ai = xi[i0 + q], br = xr[i1 + q], bi = xi[i1 + q]
                        yr[o0 + q] = ar + br
                        yi[o0 + q] = ai + bi
                        (yr[o1 + q], yi[o1 + q]) = twiddle(ar - br, ai - bi, wr, wi)
                    }
                }
            }
        }
    }

    static func radix4(_ stage: Stage, _ xr: UnsafeMutablePointer<Lanes>, _ xi: UnsafeMutablePointer<Lanes>,
                       _ yr: UnsafeMutablePointer<Lanes>, _ yi: UnsafeMutablePointer<Lanes>) {
        let s = stage.stride, m = stage.length / 4
        // Index arithmetic wraps (&+, &*): the sizes are bounded by the plan, and overflow checks on every
        // address would double the work of the inner loop.
        if m == 1 {
            // Last stage: every twiddle is 1.
            for q in 0..<s {
                butterfly4(xr, xi, q, s, yr, yi, q, s, nil)
            }
            return
        }
        stage.twiddleRe.withUnsafeBufferPointer { twr in
            stage.twiddleIm.withUnsafeBufferPointer { twi in
                let tw = (twr.baseAddress!, twi.baseAddress!)
                if s == 1 {
                    // First stage: one transform, so no inner loop.
                    for p in 0..<m {
                        butterfly4(xr, xi, p, m, yr, yi, 4 &* p, 1, (tw.0 + 3 &* p, tw.1 + 3 &* p))
                    }
                    return
                }
                for p in 0..<m {
                    let twiddles = (tw.0 + 3 &* p, tw.1 + 3 &* p)
                    let input = s &* p, output = 4 &* s &* p
                    for q in 0..<s {
                        butterfly4(xr, xi, input &+ q, s &* m, yr, yi, output &+ q, s, twiddles)
                    }
                }
            }
        }
    }

    /// One radix-4 butterfly: inputs at `input + j·inputStep`, outputs at `output + k·outputStep`, outputs
    /// 1...3 multiplied by the three twiddles (none when nil).
    @inline(__always)
    private static func butterfly4(_ xr: UnsafeMutablePointer<Lanes>, _ xi: UnsafeMutablePointer<Lanes>, _ input: Int, _ inputStep: Int,
                                   _ yr: UnsafeMutablePointer<Lanes>, _ yi: UnsafeMutablePointer<Lanes>, _ output: Int, _ outputStep: Int,
                                   _ twiddles: (UnsafePointer<Float>, UnsafePointer<Float>)?) {
        let i1 = input &+ inputStep, i2 = i1 &+ inputStep, i3 = i2 &+ inputStep
        let o1 = output &+ outputStep, o2 = o1 &+ outputStep, o3 = o2 &+ outputStep
        let a0r = xr[input], a0i = xi[input], a1r = xr[i1], a1i = xi[i1]
        let a2r = xr[i2], a2i = xi[i2], a3r = xr[i3], a3i = xi[i3]
        let s02r = a0r + a2r, s02i = a0i + a2i, d02r = a0r - a2r, d02i = a0i - a2i
        let s13r = a1r + a3r, s13i = a1i + a3i, d13r = a1r - a3r, d13i = a1i - a3i
        yr[output] = s02r + s13r
        yi[output] = s02i + s13i
        // b1 = d02 − i·d13, b2 = s02 − s13, b3 = d02 + i·d13
        if let (twr, twi) = twiddles {
            (yr[o1], yi[o1]) = twiddle(d02r + d13i, d02i - d13r, twr[0], twi[0])
            (yr[o2], yi[o2]) = twiddle(s02r - s13r, s02i - s13i, twr[1], twi[1])
            (yr[o3], yi[o3]) = twiddle(d02r - d13i, d02i + d13r, twr[2], twi[2])
        } else {
            (yr[o1], yi[o1]) = (d02r + d13i, d02i - d13r)
            (yr[o2], yi[o2]) = (s02r - s13r, s02i - s13i)
            (yr[o3], yi[o3]) = (d02r - d13i, d02i + d13r)
        }
    }

    static func radix3(_ stage: Stage, _ xr: UnsafeMutablePointer<Lanes>, _ xi: UnsafeMutablePointer<Lanes>,
                       _ yr: UnsafeMutablePointer<Lanes>, _ yi: UnsafeMutablePointer<Lanes>) {
        let s = stage.stride, m = stage.length / 3
        let c: Float = -0.5
        let sn = Float((3.0).squareRoot() / 2)
        stage.twiddleRe.withUnsafeBufferPointer { twr in
            stage.twiddleIm.withUnsafeBufferPointer { twi in
                for p in 0..<m {
                    let w1r = twr[2 * p], w1i = twi[2 * p], w2r = twr[2 * p + 1], w2i = twi[2 * p + 1]
                    let i0 = s * p, i1 = s * (p + m), i2 = s * (p + 2 * m)
                    let o0 = s * 3 * p, o1 = o0 + s, o2 = o1 + s
                    for q in 0..<s {
                        let a0r = xr[i0 + q], a0i = xi[i0 + q], a1r = xr[i1 + q], a1i = xi[i1 + q]
                        let a2r = xr[i2 + q], a2i = xi[i2 + q]
                        let tr = a1r + a2r, ti = a1i + a2i
                        let mr = a0r + c * tr, mi = a0i + c * ti
                        let dr = sn * (a1r - a2r), di = sn * (a1i - a2i)
                        yr[o0 + q] = a0r + tr
                        yi[o0 + q] = a0i + ti
                        // b1 = m − i·d, b2 = m + i·d
                        (yr[o1 + q], yi[o1 + q]) = twiddle(mr + di, mi - dr, w1r, w1i)
                        (yr[o2 + q], yi[o2 + q]) = twiddle(mr - di, mi + dr, w2r, w2i)
                    }
                }
            }
        }
    }

    static func radix5(_ stage: Stage, _ xr: UnsafeMutablePointer<Lanes>, _ xi: UnsafeMutablePointer<Lanes>,
                       _ yr: UnsafeMutablePointer<Lanes>, _ yi: UnsafeMutablePointer<Lanes>) {
        let s = stage.stride, m = stage.length / 5
        let c1 = Float(cos(2 * Double.pi / 5)), c2 = Float(cos(4 * Double.pi / 5))
        let s1 = Float(sin(2 * Double.pi / 5)), s2 = Float(sin(4 * Double.pi / 5))
        stage.twiddleRe.withUnsafeBufferPointer { twr in
            stage.twiddleIm.withUnsafeBufferPointer { twi in
                for p in 0..<m {
                    let t = 4 * p
                    let i0 = s * p, i1 = s * (p + m), i2 = s * (p + 2 * m), i3 = s * (p + 3 * m), i4 = s * (p + 4 * m)
                    let o0 = s * 5 * p
                    for q in 0..<s {
                        let a0r = xr[i0 + q], a0i = xi[i0 + q]
                        let p1r = xr[i1 + q] + xr[i4 + q], p1i = xi[i1 + q] + xi[i4 + q]
                        let m1r = xr[i1 + q] - xr[i4 + q], m1i = xi[i1 + q] - xi[i4 + q]
                        let p2r = xr[i2 + q] + xr[i3 + q], p2i = xi[i2 + q] + xi[i3 + q]
                        let m2r = xr[i2 + q] - xr[i3 + q], m2i = xi[i2 + q] - xi[i3 + q]
                        yr[o0 + q] = a0r + p1r + p2r
                        yi[o0 + q] = a0i + p1i + p2i
                        let e1r = a0r + c1 * p1r + c2 * p2r, e1i = a0i + c1 * p1i + c2 * p2i
                        let e2r = a0r + c2 * p1r + c1 * p2r, e2i = a0i + c2 * p1i + c1 * p2i
                        let f1r = s1 * m1r + s2 * m2r, f1i = s1 * m1i + s2 * m2i
                        let f2r = s2 * m1r - s1 * m2r, f2i = s2 * m1i - s1 * m2i
                        // b1 = e1 − i·f1, b4 = e1 + i·f1, b2 = e2 − i·f2, b3 = e2 + i·f2
                        (yr[o0 + s + q], yi[o0 + s + q]) = twiddle(e1r + f1i, e1i - f1r, twr[t], twi[t])
                        (yr[o0 + 2 * s + q], yi[o0 + 2 * s + q]) = twiddle(e2r + f2i, e2i - f2r, twr[t + 1], twi[t + 1])
                        (yr[o0 + 3 * s + q], yi[o0 + 3 * s + q]) = twiddle(e2r - f2i, e2i + f2r, twr[t + 2], twi[t + 2])
                        (yr[o0 + 4 * s + q], yi[o0 + 4 * s + q]) = twiddle(e1r - f1i, e1i + f1r, twr[t + 3], twi[t + 3])
                    }
                }
            }
        }
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
