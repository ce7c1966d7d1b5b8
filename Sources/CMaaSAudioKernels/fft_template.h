// The FFT stages, written once as plain loops over contiguous floats and compiled once per instruction set.
//
// Not a public header: fft_avx512f.c, fft_avx2.c and fft_generic.c each define SUFFIX, ISA_NAME and LANES
// (and a target attribute), then include this file and spectrum_template.h, which defines the table
// `maas_fft_kernels_SUFFIX`. The loops are left to the compiler's vectoriser: every inner loop runs over
// `width` = LANES·stride contiguous floats with `restrict` pointers and no shuffles, and LANES is one
// register (or two) of the variant's width, so even the first stage (stride 1) fills whole registers.
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
