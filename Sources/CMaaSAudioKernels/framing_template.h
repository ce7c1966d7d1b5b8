// Framing for one batch of LANES frames: the signal transposed a chunk at a time, windowing into the batch
// layout, and windowing fused with the FFT's first stage. Included after fft_template.h by each variant file,
// with the same SUFFIX, ISA_NAME and LANES.

// Framing goes through a transposed copy of the signal, made a chunk of frames at a time: with
// columns[c · rowStride + r] = signal[start + r·hop + c], sample n of frame f is columns[(n % hop) · rowStride
// + f + n / hop], so the value n of a whole batch is one contiguous load. Each sample is transposed once,
// not once per frame it belongs to (nFFT / hop = 4 times with librosa's defaults).

#if defined(MAAS_TRANSPOSE_AVX512)
#include <immintrin.h>
#define TRANSPOSE_BLOCK 16

// out[j · outStride] = column j of the 16 × 16 block whose row i starts at in + i · inStride.
INLINE void FN(transposeBlock)(const float *in, ptrdiff_t inStride, float *out, ptrdiff_t outStride) {
    __m512 r[16], t[16], u[16];
    for (int i = 0; i < 16; i++) r[i] = _mm512_loadu_ps(in + i * inStride);
    for (int i = 0; i < 8; i++) {
        t[2 * i] = _mm512_unpacklo_ps(r[2 * i], r[2 * i + 1]);
        t[2 * i + 1] = _mm512_unpackhi_ps(r[2 * i], r[2 * i + 1]);
    }
    // u[4g + c] holds rows 4g..4g+3 of column 4q + c in each 128-bit quarter q.
    for (int g = 0; g < 4; g++) {
        __m512d a = _mm512_castps_pd(t[4 * g]), b = _mm512_castps_pd(t[4 * g + 2]);
        __m512d c = _mm512_castps_pd(t[4 * g + 1]), d = _mm512_castps_pd(t[4 * g + 3]);
        u[4 * g] = _mm512_castpd_ps(_mm512_unpacklo_pd(a, b));
        u[4 * g + 1] = _mm512_castpd_ps(_mm512_unpackhi_pd(a, b));
        u[4 * g + 2] = _mm512_castpd_ps(_mm512_unpacklo_pd(c, d));
        u[4 * g + 3] = _mm512_castpd_ps(_mm512_unpackhi_pd(c, d));
    }
    for (int c = 0; c < 4; c++) {
        __m512 a88 = _mm512_shuffle_f32x4(u[c], u[4 + c], 0x88), aDD = _mm512_shuffle_f32x4(u[c], u[4 + c], 0xDD);
        __m512 b88 = _mm512_shuffle_f32x4(u[8 + c], u[12 + c], 0x88), bDD = _mm512_shuffle_f32x4(u[8 + c], u[12 + c], 0xDD);
        _mm512_storeu_ps(out + c * outStride, _mm512_shuffle_f32x4(a88, b88, 0x88));
        _mm512_storeu_ps(out + (8 + c) * outStride, _mm512_shuffle_f32x4(a88, b88, 0xDD));
        _mm512_storeu_ps(out + (4 + c) * outStride, _mm512_shuffle_f32x4(aDD, bDD, 0x88));
        _mm512_storeu_ps(out + (12 + c) * outStride, _mm512_shuffle_f32x4(aDD, bDD, 0xDD));
    }
}
#elif defined(MAAS_TRANSPOSE_AVX2)
#include <immintrin.h>
#define TRANSPOSE_BLOCK 8

INLINE void FN(transposeBlock)(const float *in, ptrdiff_t inStride, float *out, ptrdiff_t outStride) {
    __m256 r[8], t[8], u[8];
    for (int i = 0; i < 8; i++) r[i] = _mm256_loadu_ps(in + i * inStride);
    for (int i = 0; i < 4; i++) {
        t[2 * i] = _mm256_unpacklo_ps(r[2 * i], r[2 * i + 1]);
        t[2 * i + 1] = _mm256_unpackhi_ps(r[2 * i], r[2 * i + 1]);
    }
    // u[4g + c]: rows 4g..4g+3 of columns c (low half) and c + 4 (high half).
    for (int g = 0; g < 2; g++) {
        u[4 * g] = _mm256_shuffle_ps(t[4 * g], t[4 * g + 2], 0x44);
        u[4 * g + 1] = _mm256_shuffle_ps(t[4 * g], t[4 * g + 2], 0xEE);
        u[4 * g + 2] = _mm256_shuffle_ps(t[4 * g + 1], t[4 * g + 3], 0x44);
        u[4 * g + 3] = _mm256_shuffle_ps(t[4 * g + 1], t[4 * g + 3], 0xEE);
    }
    for (int c = 0; c < 4; c++) {
        _mm256_storeu_ps(out + c * outStride, _mm256_permute2f128_ps(u[c], u[4 + c], 0x20));
        _mm256_storeu_ps(out + (c + 4) * outStride, _mm256_permute2f128_ps(u[c], u[4 + c], 0x31));
    }
}
#else
#define TRANSPOSE_BLOCK 4

INLINE void FN(transposeBlock)(const float *in, ptrdiff_t inStride, float *out, ptrdiff_t outStride) {
    for (int i = 0; i < 4; i++)
        for (int j = 0; j < 4; j++) out[j * outStride + i] = in[i * inStride + j];
}
#endif

static void FN(transposeSignal)(const float *signal, ptrdiff_t count, ptrdiff_t start, ptrdiff_t hop, ptrdiff_t width,
                                ptrdiff_t rows, float *restrict out, ptrdiff_t rowStride, unsigned *peakBits,
                                unsigned *leastBits) {
    const ptrdiff_t B = TRANSPOSE_BLOCK;
    // The scan's two running extremes (see scan), lane by lane over the block's rows.
    unsigned widest[TRANSPOSE_BLOCK], least[TRANSPOSE_BLOCK];
    for (int j = 0; j < B; j++) widest[j] = *peakBits, least[j] = *leastBits;
    const FN(aliasedBits) *bits = (const FN(aliasedBits) *)signal;
    for (ptrdiff_t r0 = 0; r0 < rows; r0 += B)
        for (ptrdiff_t c0 = 0; c0 < width; c0 += B) {
            const ptrdiff_t first = start + r0 * hop + c0, last = start + (r0 + B - 1) * hop + c0 + B;
            if (r0 + B <= rows && c0 + B <= width && first >= 0 && last <= count) {
                // The signal comes from L3 or memory: ask for each row's line four blocks ahead.
                for (ptrdiff_t i = 0; i < B; i++) __builtin_prefetch(signal + first + i * hop + 4 * B);
                FN(transposeBlock)(signal + first, hop, out + c0 * rowStride + r0, rowStride);
                // The rows again, from L1: integer maxima and minima run beside the shuffles.
                for (ptrdiff_t i = 0; i < B; i++)
                    for (int j = 0; j < B; j++) {
                        unsigned magnitude = bits[first + i * hop + j] & 0x7FFFFFFFu, shifted = magnitude - 1u;
                        widest[j] = magnitude > widest[j] ? magnitude : widest[j];
                        least[j] = shifted < least[j] ? shifted : least[j];
                    }
                continue;
            }
            if (r0 + B <= rows && c0 + B <= width && (first >= count || last <= 0)) {
                // A block wholly in the padding before or after the signal (a short clip's chunk is mostly
                // these): zeros, a row of the copy at a time, nothing to scan.
                for (ptrdiff_t c = c0; c < c0 + B; c++)
                    for (ptrdiff_t r = r0; r < r0 + B; r++) out[c * rowStride + r] = 0.0f;
                continue;
            }
            if (r0 + B <= rows && c0 + B <= width) {
                // A whole block across one of the signal's ends (a block spans B hops, so for a short clip
                // most samples sit in one): gathered with zeros outside the signal, then transposed and
                // scanned as above. Zeros move neither extreme: magnitude 0 is no peak, and 0 - 1 wraps to
                // the largest value, which is never the least.
                float gathered[TRANSPOSE_BLOCK * TRANSPOSE_BLOCK];
                for (ptrdiff_t i = 0; i < B; i++) {
                    const ptrdiff_t at = first + i * hop;
                    for (ptrdiff_t j = 0; j < B; j++)
                        gathered[i * B + j] = at + j >= 0 && at + j < count ? signal[at + j] : 0.0f;
                }
                FN(transposeBlock)(gathered, B, out + c0 * rowStride + r0, rowStride);
                const FN(aliasedBits) *gatheredBits = (const FN(aliasedBits) *)gathered;
                for (ptrdiff_t i = 0; i < B; i++)
                    for (int j = 0; j < B; j++) {
                        unsigned magnitude = gatheredBits[i * B + j] & 0x7FFFFFFFu, shifted = magnitude - 1u;
                        widest[j] = magnitude > widest[j] ? magnitude : widest[j];
                        least[j] = shifted < least[j] ? shifted : least[j];
                    }
                continue;
            }
            // The ragged edges of the chunk, a float at a time.
            for (ptrdiff_t r = r0; r < r0 + B && r < rows; r++)
                for (ptrdiff_t c = c0; c < c0 + B && c < width; c++) {
                    const ptrdiff_t at = start + r * hop + c;
                    const int inside = at >= 0 && at < count;
                    out[c * rowStride + r] = inside ? signal[at] : 0.0f;
                    if (inside) {
                        unsigned magnitude = bits[at] & 0x7FFFFFFFu, shifted = magnitude - 1u;
                        widest[0] = magnitude > widest[0] ? magnitude : widest[0];
                        least[0] = shifted < least[0] ? shifted : least[0];
                    }
                }
        }
    for (int j = 0; j < B; j++) {
        *peakBits = widest[j] > *peakBits ? widest[j] : *peakBits;
        *leastBits = least[j] < *leastBits ? least[j] : *leastBits;
    }
}

static void FN(loadFrames)(const float *columns, const ptrdiff_t *offsets, const float *window, ptrdiff_t nFFT,
                           float *restrict re, float *restrict im) {
    const FN(vec) zero = {0};
    for (ptrdiff_t n = 0; n < nFFT; n++) {
        FN(vec) x = FN(load)(columns + offsets[n]) * window[n];
        if (nFFT % 2 == 0) {
            FN(store)((n % 2 == 0 ? re : im) + (n / 2) * LANES, x);
        } else {
            FN(store)(re + n * LANES, x);
            FN(store)(im + n * LANES, zero);
        }
    }
}

// loadFrames fused with the transform's first stage (radix R, length half = nFFT / 2, stride 1): point
// p + j·m of the half-length transform is read straight from the transposed signal into registers, so the
// windowed batch is never stored and read back.
#define DEFINE_FIRST_STAGE(R)                                                                                 \
    static void FN(firstStage##R)(const float *columns, const ptrdiff_t *offsets, const float *window,        \
                                  ptrdiff_t half, const float *twr, const float *twi, float *restrict yr,     \
                                  float *restrict yi) {                                                       \
        const ptrdiff_t m = half / R;                                                                         \
        for (ptrdiff_t p = 0; p < m; p++) {                                                                   \
            FN(vec) ar[R], ai[R], br[R], bi[R];                                                               \
            _Pragma("clang loop unroll(full)") for (int j = 0; j < R; j++) {                                  \
                const ptrdiff_t s = 2 * (p + j * m);                                                          \
                ar[j] = FN(load)(columns + offsets[s]) * window[s];                                           \
                ai[j] = FN(load)(columns + offsets[s + 1]) * window[s + 1];                                   \
            }                                                                                                 \
            FN(dftVec)(R, ar, ai, br, bi);                                                                    \
            _Pragma("clang loop unroll(full)") for (int k = 0; k < R; k++) {                                  \
                if (p && k) FN(rotate)(br + k, bi + k, twr[p * (R - 1) + k - 1], twi[p * (R - 1) + k - 1]);   \
                FN(store)(yr + (R * p + k) * LANES, br[k]);                                                   \
                FN(store)(yi + (R * p + k) * LANES, bi[k]);                                                   \
            }                                                                                                 \
        }                                                                                                     \
    }

DEFINE_FIRST_STAGE(2)
DEFINE_FIRST_STAGE(4)
DEFINE_FIRST_STAGE(8)
DEFINE_FIRST_STAGE(16)

static int FN(firstStageFrames)(const float *columns, const ptrdiff_t *offsets, const float *window, ptrdiff_t nFFT,
                                ptrdiff_t radix, const float *twr, const float *twi, float *yr, float *yi) {
    const ptrdiff_t half = nFFT / 2;
    if (nFFT % 2 != 0 || half % radix != 0) return 0;
    switch (radix) {
    case 2: FN(firstStage2)(columns, offsets, window, half, twr, twi, yr, yi); return 1;
    case 4: FN(firstStage4)(columns, offsets, window, half, twr, twi, yr, yi); return 1;
    case 8: FN(firstStage8)(columns, offsets, window, half, twr, twi, yr, yi); return 1;
    case 16: FN(firstStage16)(columns, offsets, window, half, twr, twi, yr, yi); return 1;
    default: return 0;
    }
}
