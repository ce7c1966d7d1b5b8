#ifndef CMAAS_AUDIO_KERNELS_H
#define CMAAS_AUDIO_KERNELS_H

// MaaSAudio's spectrogram kernels (FFT stages, framing, mel, dB, DCT), vectorised for the CPU found at run time.
//
// Swift compiles for baseline x86-64 (SSE2), which held the whole STFT to four lanes. These kernels are
// compiled three times — AVX-512F, AVX2+FMA and portable C — and the best one the CPU (and OS) supports is
// picked on first use, so one binary still runs on a CPU without AVX2.
//
// Data layout: a batch of `lanes` frames (the table's `lanes`: 16 for AVX-512F, 8 for AVX2, 4 portable) is
// interleaved, so value j of the batch is the floats [lanes·j, lanes·j + lanes), one per frame. Every
// kernel below is then plain vector arithmetic across frames, a full register wide even for the FFT's first
// stage, with one constant (twiddle, window sample, mel weight) broadcast to all frames.
//
// FFT stages: a stage of radix r, sub-transform length n and stride s (m = n / r) computes, for p in
// 0..<m and q in 0..<s,
//   a_j = x[q + s·(p + j·m)],  b = DFT_r(a),  y[q + s·(r·p + k)] = b_k · ω_n^{p·k}
// with the twiddles ω_n^{p·k} stored as twiddle[p·(r−1) + k − 1]. For each p the q loop covers lanes·s
// contiguous floats. `x` and `y` must not overlap (Stockham stages ping-pong between two buffer pairs).
//
// One batch of an MFCC, for the usual even nFFT whose half-length transform starts and ends with radix 2,
// 4, 8 or 16: transposeSignal (once per chunk of batches) → firstStageFrames (framing, window and first FFT
// stage in one pass) → the middle stages → finalStagePower (last stage, untangle and |X|²) → melBands; then,
// once every batch exists (top_db's floor is relative to the clip's maximum), decibels and cepstrum per
// batch. A batch of 16 frames of 2048 samples is 128 KiB per buffer pair, in L2 rather than L1, so the
// fusions count passes over it, not arithmetic. loadFrames, untanglePower and magnitudePower are the unfused
// steps for other sizes (odd nFFT, radix 3, 5 or a prime at either end).
//
// Variants differ only by rounding (fused multiply-add) and by how many frames a batch holds; a frame's
// result does not depend on which lane it occupies or which other frames share its batch.

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef void (*MaaSFFTStage)(const float *xr, const float *xi, float *yr, float *yi, const float *twiddleRe,
                             const float *twiddleIm, ptrdiff_t length, ptrdiff_t stride);

/// One implementation of every stage, for one instruction set.
typedef struct MaaSFFTKernels {
    /// "avx512f", "avx2" or "generic".
    const char *name;
    /// Frames per batch: the interleave of every batched buffer below.
    ptrdiff_t lanes;
    MaaSFFTStage radix2;
    MaaSFFTStage radix3;
    MaaSFFTStage radix4;
    MaaSFFTStage radix5;
    MaaSFFTStage radix8;
    MaaSFFTStage radix16;
    /// One pass over a signal's bit patterns: the largest magnitude's bits (NaN and infinities included),
    /// whether any sample is NaN or infinite, whether any is subnormal. `samples` may be NULL when count is 0.
    void (*scan)(const float *samples, ptrdiff_t count, unsigned *peakBits, int *nonFinite, int *subnormal);

    /// A chunk of the signal transposed for framing: out[c · rowStride + r] = signal[start + r·hop + c] for
    /// c in 0..<width, r in 0..<rows, and 0 where that index is outside 0..<count (librosa's zero padding).
    /// Column r then starts frame r of the chunk (start is its first sample, negative when centred). width is
    /// min(hop, nFFT): a frame never reaches further into a hop. r·hop must not overflow.
    /// The samples it reads are scanned on the way, as `scan` does, into running values: *peakBits (start at
    /// 0) and *leastBits (start at 0xFFFFFFFF), the smallest magnitude − 1 (subnormal below 0x007FFFFF).
    void (*transposeSignal)(const float *signal, ptrdiff_t count, ptrdiff_t start, ptrdiff_t hop, ptrdiff_t width,
                            ptrdiff_t rows, float *out, ptrdiff_t rowStride, unsigned *peakBits, unsigned *leastBits);

    /// Windows `lanes` frames into the batch layout, sample n of frame `lane` being columns[offsets[n] + lane]
    /// (offsets[n] = (n % hop) · rowStride + n / hop in transposeSignal's layout, from the batch's first
    /// frame). Even nFFT: point n of the half-length complex transform is samples 2n (re) and 2n + 1 (im),
    /// nFFT / 2 points. Odd nFFT: point n is sample n (re) and 0 (im), nFFT points.
    void (*loadFrames)(const float *columns, const ptrdiff_t *offsets, const float *window, ptrdiff_t nFFT,
                       float *re, float *im);

    /// loadFrames (even nFFT) fused with the transform's first stage, radix `radix` (2, 4, 8 or 16), length
    /// nFFT / 2, stride 1, into y. Returns 0, having done nothing, for odd nFFT or another radix.
    int (*firstStageFrames)(const float *columns, const ptrdiff_t *offsets, const float *window, ptrdiff_t nFFT,
                            ptrdiff_t radix, const float *twiddleRe, const float *twiddleIm, float *yr, float *yi);

    /// |X[k]|² for k in 0...half of the real 2·half-point transform whose half-length complex transform is
    /// z (half points), untangled with twiddle[k] = e^{-2πik/(2·half)}, k in 0...half; power gets half + 1 points.
    void (*untanglePower)(const float *zr, const float *zi, const float *twiddleRe, const float *twiddleIm,
                          ptrdiff_t half, float *power);

    /// untanglePower fused with the transform's last stage: x is the input of that stage (radix `radix`,
    /// length radix, stride half / radix, no twiddles), not yet transformed. Returns 0, having done nothing,
    /// for a radix other than 2, 4, 8 or 16 (the caller then runs the stage and untanglePower).
    int (*finalStagePower)(const float *xr, const float *xi, ptrdiff_t radix, const float *twiddleRe,
                           const float *twiddleIm, ptrdiff_t half, float *power);

    /// |z[k]|² for k in 0..<bins (odd nFFT, whose transform was full length).
    void (*magnitudePower)(const float *zr, const float *zi, ptrdiff_t bins, float *power);

    /// sums[b] = Σ_i power[first[b] + i] · weights[start[b] + i] for i in 0..<count[b], b in 0..<bands:
    /// a mel filterbank stored as each band's span of non-zero weights.
    void (*melBands)(const float *power, const ptrdiff_t *first, const ptrdiff_t *count, const ptrdiff_t *start,
                     const float *weights, ptrdiff_t bands, float *sums);

    /// x ← 10·log10(max(x · scale, amin)) − offset for `values` batch points; returns the largest result over
    /// the first `frames` lanes. Needs amin to be a normal float (the polynomial logarithm's domain). `scale`
    /// is peak normalisation's factor, known only once the whole signal has been read.
    float (*decibels)(float *x, ptrdiff_t values, float scale, float amin, float offset, ptrdiff_t frames);

    /// The cepstrum of a batch: out[t·coefficients + k] = Σ_b matrix[k·bands + b] · max(x[b], floor) for the
    /// first `frames` lanes t, written as rows.
    void (*cepstrum)(const float *x, ptrdiff_t bands, const float *matrix, ptrdiff_t coefficients, float floor,
                     ptrdiff_t frames, float *out);

    /// Rows out of a batch: out[t·values + j] = x[j] of lane t times scale, for the first `frames` lanes.
    void (*storeRows)(const float *x, ptrdiff_t values, float scale, ptrdiff_t frames, float *out);
} MaaSFFTKernels;

typedef enum MaaSAudioInstructionSet {
    MAAS_AUDIO_ISA_GENERIC = 0,
    MAAS_AUDIO_ISA_AVX2 = 1,
    MAAS_AUDIO_ISA_AVX512F = 2,
} MaaSAudioInstructionSet;

/// The stages for `isa`, or NULL when this CPU (or this build) cannot run them. For tests and benchmarks.
const MaaSFFTKernels *maas_fft_kernels(MaaSAudioInstructionSet isa);

/// The fastest stages this CPU runs; chosen once.
const MaaSFFTKernels *maas_best_fft_kernels(void);

#ifdef __cplusplus
}
#endif

#endif
