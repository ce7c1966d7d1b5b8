// The FFT stages, written once as plain loops over contiguous floats and compiled once per instruction set.
//
// Not a public header: fft_avx512f.c, fft_avx2.c and fft_generic.c each define SUFFIX, ISA_NAME and LANES
// (and a target attribute), then include this file, framing_template.h and spectrum_template.h, which
// defines the table `maas_fft_kernels_SUFFIX`. Every inner loop runs over `width` = LANES·stride contiguous
// floats with `restrict` pointers and no shuffles (radix 2 to 5 as scalar loops left to the vectoriser,
// radix 8 and 16 on explicit LANES-wide vectors), and LANES is one register (or two) of the variant's
// width, so even the first stage (stride 1) fills whole registers.
//
// Each stage has three shapes: stride 1 (width is the constant LANES, no inner loop), p = 0 (every twiddle
// is 1, skipped) and the rest.

#define CONCAT2(a, b) a##_##b
#define CONCAT(a, b) CONCAT2(a, b)
#define FN(name) CONCAT(name, SUFFIX)
#define INLINE static inline __attribute__((always_inline))

// b·w for complex b and w.
#define TWIDDLE_RE(br, bi, wr, wi) ((br) * (wr) - (bi) * (wi))
#define TWIDDLE_IM(br, bi, wr, wi) ((br) * (wi) + (bi) * (wr))

// a_j at x[j·in + f], b_k to y[k·out + f], for f in 0..<width.
INLINE void FN(butterfly2)(const float *restrict xr, const float *restrict xi, ptrdiff_t in,
                           float *restrict yr, float *restrict yi, ptrdiff_t out,
                           const float *tr, const float *ti, ptrdiff_t width, int twiddled) {
    const float wr = twiddled ? tr[0] : 1.0f, wi = twiddled ? ti[0] : 0.0f;
    for (ptrdiff_t f = 0; f < width; f++) {
        float ar = xr[f], ai = xi[f], br = xr[in + f], bi = xi[in + f];
        yr[f] = ar + br;
        yi[f] = ai + bi;
        float dr = ar - br, di = ai - bi;
        yr[out + f] = twiddled ? TWIDDLE_RE(dr, di, wr, wi) : dr;
        yi[out + f] = twiddled ? TWIDDLE_IM(dr, di, wr, wi) : di;
    }
}

INLINE void FN(butterfly3)(const float *restrict xr, const float *restrict xi, ptrdiff_t in,
                           float *restrict yr, float *restrict yi, ptrdiff_t out,
                           const float *tr, const float *ti, ptrdiff_t width, int twiddled) {
    const float c = -0.5f, sn = 0.866025403784438646763723170752936183f;
    const float w1r = twiddled ? tr[0] : 1.0f, w1i = twiddled ? ti[0] : 0.0f;
    const float w2r = twiddled ? tr[1] : 1.0f, w2i = twiddled ? ti[1] : 0.0f;
    for (ptrdiff_t f = 0; f < width; f++) {
        float a0r = xr[f], a0i = xi[f], a1r = xr[in + f], a1i = xi[in + f];
        float a2r = xr[2 * in + f], a2i = xi[2 * in + f];
        float tr_ = a1r + a2r, ti_ = a1i + a2i;
        float mr = a0r + c * tr_, mi = a0i + c * ti_;
        float dr = sn * (a1r - a2r), di = sn * (a1i - a2i);
        yr[f] = a0r + tr_;
        yi[f] = a0i + ti_;
        // b1 = m − i·d, b2 = m + i·d
        float b1r = mr + di, b1i = mi - dr, b2r = mr - di, b2i = mi + dr;
        yr[out + f] = twiddled ? TWIDDLE_RE(b1r, b1i, w1r, w1i) : b1r;
        yi[out + f] = twiddled ? TWIDDLE_IM(b1r, b1i, w1r, w1i) : b1i;
        yr[2 * out + f] = twiddled ? TWIDDLE_RE(b2r, b2i, w2r, w2i) : b2r;
        yi[2 * out + f] = twiddled ? TWIDDLE_IM(b2r, b2i, w2r, w2i) : b2i;
    }
}

INLINE void FN(butterfly4)(const float *restrict xr, const float *restrict xi, ptrdiff_t in,
                           float *restrict yr, float *restrict yi, ptrdiff_t out,
                           const float *tr, const float *ti, ptrdiff_t width, int twiddled) {
    const float w1r = twiddled ? tr[0] : 1.0f, w1i = twiddled ? ti[0] : 0.0f;
    const float w2r = twiddled ? tr[1] : 1.0f, w2i = twiddled ? ti[1] : 0.0f;
    const float w3r = twiddled ? tr[2] : 1.0f, w3i = twiddled ? ti[2] : 0.0f;
    for (ptrdiff_t f = 0; f < width; f++) {
        float a0r = xr[f], a0i = xi[f], a1r = xr[in + f], a1i = xi[in + f];
        float a2r = xr[2 * in + f], a2i = xi[2 * in + f], a3r = xr[3 * in + f], a3i = xi[3 * in + f];
        float s02r = a0r + a2r, s02i = a0i + a2i, d02r = a0r - a2r, d02i = a0i - a2i;
        float s13r = a1r + a3r, s13i = a1i + a3i, d13r = a1r - a3r, d13i = a1i - a3i;
        yr[f] = s02r + s13r;
        yi[f] = s02i + s13i;
        // b1 = d02 − i·d13, b2 = s02 − s13, b3 = d02 + i·d13
        float b1r = d02r + d13i, b1i = d02i - d13r;
        float b2r = s02r - s13r, b2i = s02i - s13i;
        float b3r = d02r - d13i, b3i = d02i + d13r;
        yr[out + f] = twiddled ? TWIDDLE_RE(b1r, b1i, w1r, w1i) : b1r;
        yi[out + f] = twiddled ? TWIDDLE_IM(b1r, b1i, w1r, w1i) : b1i;
        yr[2 * out + f] = twiddled ? TWIDDLE_RE(b2r, b2i, w2r, w2i) : b2r;
        yi[2 * out + f] = twiddled ? TWIDDLE_IM(b2r, b2i, w2r, w2i) : b2i;
        yr[3 * out + f] = twiddled ? TWIDDLE_RE(b3r, b3i, w3r, w3i) : b3r;
        yi[3 * out + f] = twiddled ? TWIDDLE_IM(b3r, b3i, w3r, w3i) : b3i;
    }
}

INLINE void FN(butterfly5)(const float *restrict xr, const float *restrict xi, ptrdiff_t in,
                           float *restrict yr, float *restrict yi, ptrdiff_t out,
                           const float *tr, const float *ti, ptrdiff_t width, int twiddled) {
    const float c1 = 0.309016994374947424102293417182819059f, c2 = -0.809016994374947424102293417182819059f;
    const float s1 = 0.951056516295153572116439333379382143f, s2 = 0.587785252292473129168705954639072769f;
    const float w1r = twiddled ? tr[0] : 1.0f, w1i = twiddled ? ti[0] : 0.0f;
    const float w2r = twiddled ? tr[1] : 1.0f, w2i = twiddled ? ti[1] : 0.0f;
    const float w3r = twiddled ? tr[2] : 1.0f, w3i = twiddled ? ti[2] : 0.0f;
    const float w4r = twiddled ? tr[3] : 1.0f, w4i = twiddled ? ti[3] : 0.0f;
    for (ptrdiff_t f = 0; f < width; f++) {
        float a0r = xr[f], a0i = xi[f];
        float p1r = xr[in + f] + xr[4 * in + f], p1i = xi[in + f] + xi[4 * in + f];
        float m1r = xr[in + f] - xr[4 * in + f], m1i = xi[in + f] - xi[4 * in + f];
        float p2r = xr[2 * in + f] + xr[3 * in + f], p2i = xi[2 * in + f] + xi[3 * in + f];
        float m2r = xr[2 * in + f] - xr[3 * in + f], m2i = xi[2 * in + f] - xi[3 * in + f];
        yr[f] = a0r + p1r + p2r;
        yi[f] = a0i + p1i + p2i;
        float e1r = a0r + c1 * p1r + c2 * p2r, e1i = a0i + c1 * p1i + c2 * p2i;
        float e2r = a0r + c2 * p1r + c1 * p2r, e2i = a0i + c2 * p1i + c1 * p2i;
        float f1r = s1 * m1r + s2 * m2r, f1i = s1 * m1i + s2 * m2i;
        float f2r = s2 * m1r - s1 * m2r, f2i = s2 * m1i - s1 * m2i;
        // b1 = e1 − i·f1, b4 = e1 + i·f1, b2 = e2 − i·f2, b3 = e2 + i·f2
        float b1r = e1r + f1i, b1i = e1i - f1r, b4r = e1r - f1i, b4i = e1i + f1r;
        float b2r = e2r + f2i, b2i = e2i - f2r, b3r = e2r - f2i, b3i = e2i + f2r;
        yr[out + f] = twiddled ? TWIDDLE_RE(b1r, b1i, w1r, w1i) : b1r;
        yi[out + f] = twiddled ? TWIDDLE_IM(b1r, b1i, w1r, w1i) : b1i;
        yr[2 * out + f] = twiddled ? TWIDDLE_RE(b2r, b2i, w2r, w2i) : b2r;
        yi[2 * out + f] = twiddled ? TWIDDLE_IM(b2r, b2i, w2r, w2i) : b2i;
        yr[3 * out + f] = twiddled ? TWIDDLE_RE(b3r, b3i, w3r, w3i) : b3r;
        yi[3 * out + f] = twiddled ? TWIDDLE_IM(b3r, b3i, w3r, w3i) : b3i;
        yr[4 * out + f] = twiddled ? TWIDDLE_RE(b4r, b4i, w4r, w4i) : b4r;
        yi[4 * out + f] = twiddled ? TWIDDLE_IM(b4r, b4i, w4r, w4i) : b4i;
    }
}

// Radix 8 and 16 do the work of two or three radix-2/4 stages in one pass over the data: a batch of 16 frames
// of 1024 points is 128 KiB per buffer pair, which lives in L2, and the stages were bound by moving it there
// and back, not by arithmetic. Both are a radix-4 (or 2) DFT of strided inputs, an internal twiddle, and a
// second DFT: with j = j2 + Q·j1 and k = k1 + P·k2 (P·Q = R),
//   b[k1 + P·k2] = Σ_j2 ω_R^{j2·k1} · ω_Q^{j2·k2} · Σ_j1 a[j2 + Q·j1] · ω_P^{j1·k1}.

// These two are written on explicit vectors of LANES floats (one frame per element): with arrays of
// scalars the compiler vectorised the small inner loops across points instead of across frames.
typedef float FN(vec) __attribute__((vector_size(LANES * sizeof(float))));

INLINE FN(vec) FN(load)(const float *p) {
    FN(vec) v;
    memcpy(&v, p, sizeof v);
    return v;
}

INLINE void FN(store)(float *p, FN(vec) v) {
    memcpy(p, &v, sizeof v);
}

// In-place 4-point DFT of (r, i)[0], [d], [2d], [3d].
INLINE void FN(dft4)(FN(vec) *r, FN(vec) *i, int d) {
    FN(vec) s02r = r[0] + r[2 * d], s02i = i[0] + i[2 * d], d02r = r[0] - r[2 * d], d02i = i[0] - i[2 * d];
    FN(vec) s13r = r[d] + r[3 * d], s13i = i[d] + i[3 * d], d13r = r[d] - r[3 * d], d13i = i[d] - i[3 * d];
    r[0] = s02r + s13r, i[0] = s02i + s13i;
    r[d] = d02r + d13i, i[d] = d02i - d13r;
    r[2 * d] = s02r - s13r, i[2 * d] = s02i - s13i;
    r[3 * d] = d02r - d13i, i[3 * d] = d02i + d13r;
}

// (r, i) · (wr + i·wi), with special cases the compiler resolves when w is a constant.
INLINE void FN(rotate)(FN(vec) *r, FN(vec) *i, float wr, float wi) {
    FN(vec) re = *r * wr - *i * wi, im = *r * wi + *i * wr;
    *r = re, *i = im;
}

// ω_16^e for e in 0..<16.
#define ROOT16_RE(e) ((const float[16]){1.0f, 0.923879532511286756f, 0.707106781186547524f, 0.382683432365089772f, \
    0.0f, -0.382683432365089772f, -0.707106781186547524f, -0.923879532511286756f, -1.0f, -0.923879532511286756f,    \
    -0.707106781186547524f, -0.382683432365089772f, 0.0f, 0.382683432365089772f, 0.707106781186547524f,            \
    0.923879532511286756f})[e]
#define ROOT16_IM(e) ROOT16_RE(((e) + 4) % 16)

// 16 = 4 × 4: four radix-4 DFTs over inputs j2, j2+4, j2+8, j2+12, the twiddles ω_16^{j2·k1}, four more.
// a (destroyed) in, b out in natural order.
INLINE void FN(dft16)(FN(vec) *cr, FN(vec) *ci, FN(vec) *br, FN(vec) *bi) {
    // c[j2 + 4·k1] = Σ_j1 a[j2 + 4·j1] ω_4^{j1·k1}
    _Pragma("clang loop unroll(full)") for (int j2 = 0; j2 < 4; j2++) FN(dft4)(cr + j2, ci + j2, 4);
    _Pragma("clang loop unroll(full)") for (int j2 = 1; j2 < 4; j2++)
        _Pragma("clang loop unroll(full)") for (int k1 = 1; k1 < 4; k1++)
            FN(rotate)(cr + j2 + 4 * k1, ci + j2 + 4 * k1, ROOT16_RE(j2 * k1), ROOT16_IM(j2 * k1));
    // b[k1 + 4·k2] = Σ_j2 c[j2 + 4·k1] ω_4^{j2·k2}: along j2 (contiguous), landing at j2 = k2.
    _Pragma("clang loop unroll(full)") for (int k1 = 0; k1 < 4; k1++) FN(dft4)(cr + 4 * k1, ci + 4 * k1, 1);
    _Pragma("clang loop unroll(full)") for (int k1 = 0; k1 < 4; k1++)
        _Pragma("clang loop unroll(full)") for (int k2 = 0; k2 < 4; k2++) {
            br[k1 + 4 * k2] = cr[4 * k1 + k2];
            bi[k1 + 4 * k2] = ci[4 * k1 + k2];
        }
}

// 8 = 2 × 4: radix-4 DFTs over inputs j2, j2+2, j2+4, j2+6 (j2 in 0, 1), twiddles ω_8^{j2·k1}, radix 2.
INLINE void FN(dft8)(FN(vec) *cr, FN(vec) *ci, FN(vec) *br, FN(vec) *bi) {
    FN(dft4)(cr, ci, 2);
    FN(dft4)(cr + 1, ci + 1, 2);
    // ω_8^{k1} = ω_16^{2·k1}
    _Pragma("clang loop unroll(full)") for (int k1 = 1; k1 < 4; k1++)
        FN(rotate)(cr + 1 + 2 * k1, ci + 1 + 2 * k1, ROOT16_RE(2 * k1), ROOT16_IM(2 * k1));
    // b[k1 + 4·k2] = c[2·k1] ± c[2·k1 + 1]
    _Pragma("clang loop unroll(full)") for (int k1 = 0; k1 < 4; k1++) {
        br[k1] = cr[2 * k1] + cr[2 * k1 + 1], br[k1 + 4] = cr[2 * k1] - cr[2 * k1 + 1];
        bi[k1] = ci[2 * k1] + ci[2 * k1 + 1], bi[k1 + 4] = ci[2 * k1] - ci[2 * k1 + 1];
    }
}

// The R-point DFT (R in 2, 4, 8, 16) of a (destroyed) into b, natural order.
INLINE void FN(dftVec)(int R, FN(vec) *ar, FN(vec) *ai, FN(vec) *br, FN(vec) *bi) {
    if (R == 16) {
        FN(dft16)(ar, ai, br, bi);
    } else if (R == 8) {
        FN(dft8)(ar, ai, br, bi);
    } else if (R == 4) {
        FN(dft4)(ar, ai, 1);
        _Pragma("clang loop unroll(full)") for (int k = 0; k < 4; k++) br[k] = ar[k], bi[k] = ai[k];
    } else {
        br[0] = ar[0] + ar[1], bi[0] = ai[0] + ai[1];
        br[1] = ar[0] - ar[1], bi[1] = ai[0] - ai[1];
    }
}

// A radix-8 or 16 butterfly: load, DFT in registers, twiddle, store.
#define DEFINE_VECTOR_BUTTERFLY(R)                                                                            \
    INLINE void FN(butterfly##R)(const float *restrict xr, const float *restrict xi, ptrdiff_t in,             \
                                 float *restrict yr, float *restrict yi, ptrdiff_t out,                       \
                                 const float *tr, const float *ti, ptrdiff_t width, int twiddled) {           \
        for (ptrdiff_t f = 0; f < width; f += LANES) {                                                        \
            FN(vec) ar[R], ai[R], br[R], bi[R];                                                               \
            _Pragma("clang loop unroll(full)") for (int j = 0; j < R; j++) {                                  \
                ar[j] = FN(load)(xr + j * in + f);                                                            \
                ai[j] = FN(load)(xi + j * in + f);                                                            \
            }                                                                                                 \
            FN(dftVec)(R, ar, ai, br, bi);                                                                    \
            _Pragma("clang loop unroll(full)") for (int k = 0; k < R; k++) {                                  \
                if (twiddled && k) FN(rotate)(br + k, bi + k, tr[k - 1], ti[k - 1]);                          \
                FN(store)(yr + k * out + f, br[k]);                                                           \
                FN(store)(yi + k * out + f, bi[k]);                                                           \
            }                                                                                                 \
        }                                                                                                     \
    }

DEFINE_VECTOR_BUTTERFLY(8)
DEFINE_VECTOR_BUTTERFLY(16)

// One stage of radix R: for each p, the butterfly reads L·s floats at L·s·(p + j·m) and writes them at
// L·s·(R·p + k), L = LANES. Stride 1 gets its own loop so the width is a constant.
#define DEFINE_STAGE(R)                                                                                       \
    static void FN(radix##R)(const float *restrict xr, const float *restrict xi, float *restrict yr,          \
                             float *restrict yi, const float *twr, const float *twi, ptrdiff_t length,        \
                             ptrdiff_t stride) {                                                              \
        const ptrdiff_t m = length / R, width = LANES * stride, in = width * m;                               \
        if (m < 1) return;                                                                                    \
        if (stride == 1) {                                                                                    \
            FN(butterfly##R)(xr, xi, in, yr, yi, LANES, twr, twi, LANES, 0);                                  \
            for (ptrdiff_t p = 1; p < m; p++)                                                                 \
                FN(butterfly##R)(xr + LANES * p, xi + LANES * p, in, yr + LANES * R * p, yi + LANES * R * p,   \
                                 LANES, twr + (R - 1) * p, twi + (R - 1) * p, LANES, 1);                      \
            return;                                                                                           \
        }                                                                                                     \
        FN(butterfly##R)(xr, xi, in, yr, yi, width, twr, twi, width, 0);                                      \
        for (ptrdiff_t p = 1; p < m; p++)                                                                     \
            FN(butterfly##R)(xr + width * p, xi + width * p, in, yr + width * R * p, yi + width * R * p,      \
                             width, twr + (R - 1) * p, twi + (R - 1) * p, width, 1);                          \
    }

DEFINE_STAGE(2)
DEFINE_STAGE(3)
DEFINE_STAGE(4)
DEFINE_STAGE(5)
DEFINE_STAGE(8)
DEFINE_STAGE(16)

// Magnitudes order like their bit patterns as unsigned integers, so the peak is an integer maximum (which
// vectorises; a float maximum would not, for NaN ordering). Magnitude − 1 wraps zero to the largest value,
// so the smallest of those is below 0x007FFFFF exactly when some sample is subnormal.
typedef unsigned __attribute__((may_alias)) FN(aliasedBits);

static void FN(scan)(const float *samples, ptrdiff_t count, unsigned *peakBits, int *nonFinite, int *subnormal) {
    const FN(aliasedBits) *bits = (const FN(aliasedBits) *)samples;
    unsigned widest = 0, least = 0xFFFFFFFFu;
    for (ptrdiff_t i = 0; i < count; i++) {
        unsigned magnitude = bits[i] & 0x7FFFFFFFu;
        widest = magnitude > widest ? magnitude : widest;
        unsigned shifted = magnitude - 1u;
        least = shifted < least ? shifted : least;
    }
    *peakBits = widest;
    *nonFinite = widest >= 0x7F800000u;
    *subnormal = least < 0x007FFFFFu;
}
