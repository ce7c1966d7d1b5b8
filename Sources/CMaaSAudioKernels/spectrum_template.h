// Everything after the FFT stages for one batch of LANES frames: the untangle of the real transform and |X|²
// (also fused with the last stage), the mel filterbank, decibels and the DCT. Included after fft_template.h
// and framing_template.h by each variant file, with the same SUFFIX, ISA_NAME and LANES; defines the
// variant's table.
//
// Each loop runs over the LANES frames of one value (the constant inner `f` loop), so it compiles to one or
// two full registers with the weight broadcast. Summations that would form one long dependency chain (mel
// bands, the DCT) keep several independent accumulators, or they run at the adder's latency, not its
// throughput.

#include <math.h>
#include <string.h>

// X[k] = E[k] + w^k · O[k], where E and O are the spectra of the even and odd samples:
// E[k] = (Z[k] + conj Z[M−k]) / 2 and O[k] = −i (Z[k] − conj Z[M−k]) / 2, with M = half, Z[M] = Z[0].
// Since E[M−k] = conj E[k] and O[M−k] = conj O[k], X[M−k] = conj(E[k] − w^k · O[k]): bins k and M−k come
// from the same two loads.
static void FN(untanglePower)(const float *restrict zr, const float *restrict zi, const float *twr, const float *twi,
                              ptrdiff_t half, float *restrict power) {
    const ptrdiff_t m = half;
    for (int f = 0; f < LANES; f++) {
        // k = 0 and k = M: Z[0]'s real and imaginary parts are the sums of the even and odd samples.
        float sum = zr[f] + zi[f], difference = zr[f] - zi[f];
        power[f] = sum * sum;
        power[m * LANES + f] = difference * difference;
    }
    for (ptrdiff_t k = 1; 2 * k <= m; k++) {
        const float cr = twr[k], ci = twi[k];
        const float *ar_ = zr + k * LANES, *ai_ = zi + k * LANES, *br_ = zr + (m - k) * LANES, *bi_ = zi + (m - k) * LANES;
        float *low = power + k * LANES, *high = power + (m - k) * LANES;
        float lowOut[LANES], highOut[LANES];
        for (int f = 0; f < LANES; f++) {
            float ar = ar_[f], ai = ai_[f], br = br_[f], bi = bi_[f];
            float er = (ar + br) * 0.5f, ei = (ai - bi) * 0.5f;
            float or_ = (ai + bi) * 0.5f, oi = (br - ar) * 0.5f;
            float wr = or_ * cr - oi * ci, wi = oi * cr + or_ * ci;
            float xr = er + wr, xi = ei + wi, yr = er - wr, yi = ei - wi;
            lowOut[f] = xr * xr + xi * xi;
            highOut[f] = yr * yr + yi * yi;
        }
        // When 2k = M both are the same bin (and the same value).
        for (int f = 0; f < LANES; f++) low[f] = lowOut[f];
        for (int f = 0; f < LANES; f++) high[f] = highOut[f];
    }
}

// The transform's last stage (radix R, length R, stride s = half / R: no twiddles) fused with the untangle:
// it writes Z[q + s·kk] for kk in 0..<R, whose untangle partners Z[half − q − s·kk] all come from column
// s − q. Computing columns q and s − q together yields the power of all their bins without storing Z: one
// pass over the batch less, out of four.
INLINE void FN(untanglePair)(FN(vec) ar, FN(vec) ai, FN(vec) br, FN(vec) bi, float cr, float ci,
                             float *restrict low, float *restrict high) {
    FN(vec) er = (ar + br) * 0.5f, ei = (ai - bi) * 0.5f;
    FN(vec) or_ = (ai + bi) * 0.5f, oi = (br - ar) * 0.5f;
    FN(vec) wr = or_ * cr - oi * ci, wi = oi * cr + or_ * ci;
    FN(vec) xr = er + wr, xi = ei + wi, yr = er - wr, yi = ei - wi;
    // When 2k = half both are the same bin (and the same value).
    FN(store)(low, xr * xr + xi * xi);
    FN(store)(high, yr * yr + yi * yi);
}

#define DEFINE_FINAL_STAGE(R)                                                                                 \
    static void FN(finalStage##R)(const float *restrict xr, const float *restrict xi, const float *twr,       \
                                  const float *twi, ptrdiff_t half, float *restrict power) {                  \
        const ptrdiff_t s = half / R;                                                                         \
        for (ptrdiff_t q = 0; 2 * q <= s; q++) {                                                              \
            const ptrdiff_t q2 = q == 0 ? 0 : s - q;                                                          \
            FN(vec) ar[R], ai[R], zr[R], zi[R], pr[R], pi[R];                                                 \
            _Pragma("clang loop unroll(full)") for (int j = 0; j < R; j++) {                                  \
                ar[j] = FN(load)(xr + (q + s * j) * LANES);                                                   \
                ai[j] = FN(load)(xi + (q + s * j) * LANES);                                                   \
            }                                                                                                 \
            FN(dftVec)(R, ar, ai, zr, zi);                                                                    \
            if (q == 0) {                                                                                     \
                /* Z[0]'s real and imaginary parts are the sums of the even and odd samples. */              \
                FN(vec) sum = zr[0] + zi[0], difference = zr[0] - zi[0];                                      \
                FN(store)(power, sum * sum);                                                                  \
                FN(store)(power + half * LANES, difference * difference);                                     \
                /* Partners within the column: s·kk and s·(R − kk). */                                        \
                _Pragma("clang loop unroll(full)") for (int kk = 1; 2 * kk <= R; kk++) {                      \
                    const ptrdiff_t k = s * kk;                                                               \
                    FN(untanglePair)(zr[kk], zi[kk], zr[R - kk], zi[R - kk], twr[k], twi[k],                  \
                                     power + k * LANES, power + (half - k) * LANES);                          \
                }                                                                                             \
            } else if (q == q2) {                                                                             \
                /* q = s/2: partners q + s·kk and q + s·(R − 1 − kk), in the same column. */                 \
                _Pragma("clang loop unroll(full)") for (int kk = 0; 2 * kk < R; kk++) {                       \
                    const ptrdiff_t k = q + s * kk;                                                           \
                    FN(untanglePair)(zr[kk], zi[kk], zr[R - 1 - kk], zi[R - 1 - kk], twr[k], twi[k],          \
                                     power + k * LANES, power + (half - k) * LANES);                          \
                }                                                                                             \
            } else {                                                                                          \
                _Pragma("clang loop unroll(full)") for (int j = 0; j < R; j++) {                              \
                    ar[j] = FN(load)(xr + (q2 + s * j) * LANES);                                              \
                    ai[j] = FN(load)(xi + (q2 + s * j) * LANES);                                              \
                }                                                                                             \
                FN(dftVec)(R, ar, ai, pr, pi);                                                                \
                _Pragma("clang loop unroll(full)") for (int kk = 0; kk < R; kk++) {                           \
                    const ptrdiff_t k = q + s * kk;                                                           \
                    FN(untanglePair)(zr[kk], zi[kk], pr[R - 1 - kk], pi[R - 1 - kk], twr[k], twi[k],          \
                                     power + k * LANES, power + (half - k) * LANES);                          \
                }                                                                                             \
            }                                                                                                 \
        }                                                                                                     \
    }

DEFINE_FINAL_STAGE(2)
DEFINE_FINAL_STAGE(4)
DEFINE_FINAL_STAGE(8)
DEFINE_FINAL_STAGE(16)

static int FN(finalStagePower)(const float *xr, const float *xi, ptrdiff_t radix, const float *twr, const float *twi,
                               ptrdiff_t half, float *power) {
    if (half % radix != 0) return 0;
    switch (radix) {
    case 2: FN(finalStage2)(xr, xi, twr, twi, half, power); return 1;
    case 4: FN(finalStage4)(xr, xi, twr, twi, half, power); return 1;
    case 8: FN(finalStage8)(xr, xi, twr, twi, half, power); return 1;
    case 16: FN(finalStage16)(xr, xi, twr, twi, half, power); return 1;
    default: return 0;
    }
}

static void FN(magnitudePower)(const float *restrict zr, const float *restrict zi, ptrdiff_t bins, float *restrict power) {
    for (ptrdiff_t i = 0; i < bins * LANES; i++) power[i] = zr[i] * zr[i] + zi[i] * zi[i];
}

static void FN(melBands)(const float *restrict power, const ptrdiff_t *first, const ptrdiff_t *count,
                         const ptrdiff_t *start, const float *weights, ptrdiff_t bands,
                         float *restrict sums) {
    for (ptrdiff_t b = 0; b < bands; b++) {
        const float *p = power + first[b] * LANES, *w = weights + start[b];
        const ptrdiff_t n = count[b];
        // Four partial sums over alternate bins: four independent chains of fused multiply-adds.
        float acc0[LANES] = {0}, acc1[LANES] = {0}, acc2[LANES] = {0}, acc3[LANES] = {0};
        ptrdiff_t i = 0;
        for (; i + 4 <= n; i += 4)
            for (int f = 0; f < LANES; f++) {
                acc0[f] += p[i * LANES + f] * w[i];
                acc1[f] += p[(i + 1) * LANES + f] * w[i + 1];
                acc2[f] += p[(i + 2) * LANES + f] * w[i + 2];
                acc3[f] += p[(i + 3) * LANES + f] * w[i + 3];
            }
        for (; i < n; i++)
            for (int f = 0; f < LANES; f++) acc0[f] += p[i * LANES + f] * w[i];
        for (int f = 0; f < LANES; f++) sums[b * LANES + f] = (acc0[f] + acc1[f]) + (acc2[f] + acc3[f]);
    }
}

typedef unsigned __attribute__((may_alias)) FN(bitsAlias);

// log10 of a positive normal float, within a few ulp of libm: x = 2^e · m with m in [√½, √2);
// ln m = 2 atanh(s) = 2 (s + s³/3 + s⁵/5 + …) with s = (m − 1)/(m + 1), |s| ≤ 0.172, so the terms up to s⁹
// leave an error below 1e-9. Branch-free, so the loops around it vectorise.
INLINE float FN(log10Normal)(float x) {
    unsigned bits;
    memcpy(&bits, &x, sizeof bits);
    int exponent = (int)(bits >> 23) - 127;
    unsigned mantissaBits = (bits & 0x007FFFFFu) | 0x3F800000u;
    float mantissa;
    memcpy(&mantissa, &mantissaBits, sizeof mantissa);
    int high = mantissa > 1.41421356f;
    mantissa = high ? mantissa * 0.5f : mantissa;
    exponent += high;
    float s = (mantissa - 1.0f) / (mantissa + 1.0f), s2 = s * s;
    float series = s2 * (1.0f / 9) + (1.0f / 7);
    series = series * s2 + (1.0f / 5);
    series = series * s2 + (1.0f / 3);
    series = series * s2 + 1.0f;
    float ln = (float)exponent * 0.693147180559945f + 2.0f * s * series;
    return ln * 0.434294481903252f;
}

static float FN(decibels)(float *restrict x, ptrdiff_t values, float scale, float amin, float offset, ptrdiff_t frames) {
    float peak[LANES];
    for (int f = 0; f < LANES; f++) peak[f] = -INFINITY;
    for (ptrdiff_t j = 0; j < values; j++)
        for (int f = 0; f < LANES; f++) {
            float v = x[j * LANES + f] * scale;
            float db = 10.0f * FN(log10Normal)(v > amin ? v : amin) - offset;
            x[j * LANES + f] = db;
            peak[f] = db > peak[f] ? db : peak[f];
        }
    float result = -INFINITY;
    for (ptrdiff_t f = 0; f < frames && f < LANES; f++) result = peak[f] > result ? peak[f] : result;
    return result;
}

// Four coefficients at a time: each clamped band value is loaded once for all four.
static void FN(cepstrum)(const float *restrict x, ptrdiff_t bands, const float *restrict matrix,
                         ptrdiff_t coefficients, float floor, ptrdiff_t frames, float *restrict out) {
    const FN(vec) lowest = (FN(vec)){0} + floor;
    for (ptrdiff_t k0 = 0; k0 < coefficients; k0 += 4) {
        // Rows past the last coefficient repeat it; their sums are not stored.
        const float *m[4];
        for (int i = 0; i < 4; i++) m[i] = matrix + (k0 + i < coefficients ? k0 + i : coefficients - 1) * bands;
        // Even and odd bands in separate sums: eight chains keep both FMA units busy.
        FN(vec) acc[4] = {{0}, {0}, {0}, {0}}, odd[4] = {{0}, {0}, {0}, {0}};
        ptrdiff_t b = 0;
        for (; b + 2 <= bands; b += 2) {
            FN(vec) v = __builtin_elementwise_max(FN(load)(x + b * LANES), lowest);
            FN(vec) w = __builtin_elementwise_max(FN(load)(x + (b + 1) * LANES), lowest);
            for (int i = 0; i < 4; i++) acc[i] += v * m[i][b], odd[i] += w * m[i][b + 1];
        }
        if (b < bands) {
            FN(vec) v = __builtin_elementwise_max(FN(load)(x + b * LANES), lowest);
            for (int i = 0; i < 4; i++) acc[i] += v * m[i][b];
        }
        for (int i = 0; i < 4; i++) acc[i] += odd[i];
        const ptrdiff_t kn = coefficients - k0 < 4 ? coefficients - k0 : 4;
        if (kn == 4) {
            // The usual case with constant bounds: four floats per row, no branch per value.
            for (ptrdiff_t t = 0; t < frames && t < LANES; t++) {
                const float row[4] = {acc[0][t], acc[1][t], acc[2][t], acc[3][t]};
                memcpy(out + t * coefficients + k0, row, sizeof row);
            }
        } else {
            for (ptrdiff_t t = 0; t < frames && t < LANES; t++)
                for (ptrdiff_t i = 0; i < kn; i++) out[t * coefficients + k0 + i] = acc[i][t];
        }
    }
}

static void FN(storeRows)(const float *restrict x, ptrdiff_t values, float scale, ptrdiff_t frames, float *restrict out) {
    for (ptrdiff_t t = 0; t < frames && t < LANES; t++)
        for (ptrdiff_t j = 0; j < values; j++) out[t * values + j] = x[j * LANES + t] * scale;
}

const MaaSFFTKernels CONCAT(maas_fft_kernels, SUFFIX) = {
    .name = ISA_NAME,
    .lanes = LANES,
    .radix2 = FN(radix2),
    .radix3 = FN(radix3),
    .radix4 = FN(radix4),
    .radix5 = FN(radix5),
    .radix8 = FN(radix8),
    .radix16 = FN(radix16),
    .scan = FN(scan),
    .transposeSignal = FN(transposeSignal),
    .loadFrames = FN(loadFrames),
    .firstStageFrames = FN(firstStageFrames),
    .untanglePower = FN(untanglePower),
    .finalStagePower = FN(finalStagePower),
    .magnitudePower = FN(magnitudePower),
    .melBands = FN(melBands),
    .decibels = FN(decibels),
    .cepstrum = FN(cepstrum),
    .storeRows = FN(storeRows),
};
