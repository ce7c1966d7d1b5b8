#ifndef CMAAS_AUDIO_KERNELS_H
#define CMAAS_AUDIO_KERNELS_H

// The butterflies of MaaSAudio's FFT, vectorised for the CPU found at run time.
//
// Swift compiles for baseline x86-64 (SSE2), which held the FFT to four lanes and half of the MFCC time on
// long clips. These stages are compiled three times — AVX-512F, AVX2+FMA and portable C — and the best one
// the CPU (and OS) supports is picked on first use, so one binary still runs on a CPU without AVX2.
//
// The same table carries the whole-signal scan of SignalOps, which at four lanes of SSE2 took a tenth of a
// 60 s clip's MFCC time.
//
// Data layout (MaaSAudio's `Lanes`): four transforms are interleaved, so complex point j of the batch is the
// four floats re[4j ..< 4j+4] and im[4j ..< 4j+4], one per transform. A stage of radix r, sub-transform
// length n and stride s (m = n / r) computes, for p in 0..<m and q in 0..<s,
//   a_j = x[q + s·(p + j·m)],  b = DFT_r(a),  y[q + s·(r·p + k)] = b_k · ω_n^{p·k}
// with the twiddles ω_n^{p·k} stored as twiddle[p·(r−1) + k − 1]. For each p the q loop covers 4·s
// contiguous floats, which is what the wider variants vectorise.
//
// `x` and `y` must not overlap (Stockham stages ping-pong between two buffer pairs). Variants differ only by
// rounding (fused multiply-add): within a few ulp per stage.

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
    MaaSFFTStage radix2;
    MaaSFFTStage radix3;
    MaaSFFTStage radix4;
    MaaSFFTStage radix5;
    /// One pass over a signal's bit patterns: the largest magnitude's bits (NaN and infinities included),
    /// whether any sample is NaN or infinite, whether any is subnormal. `samples` may be NULL when count is 0.
    void (*scan)(const float *samples, ptrdiff_t count, unsigned *peakBits, int *nonFinite, int *subnormal);
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
