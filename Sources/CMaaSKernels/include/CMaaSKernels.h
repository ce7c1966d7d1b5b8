#ifndef CMAAS_KERNELS_H
#define CMAAS_KERNELS_H

// Elementwise kernels of MaaSEngine, vectorised for the CPU found at run time.
//
// Swift compiles for baseline x86-64 (SSE2), which left the gate activations of the recurrent layers at four
// lanes and a third of an LSTM's time. These are compiled three times — AVX-512F, AVX2+FMA and portable C —
// and the best one the CPU (and OS) supports is picked on first use, so one binary still runs on a CPU
// without AVX2. Matrix products stay in OpenBLAS; nothing here multiplies matrices.
//
// Accuracy (every variant, against libm in double precision): exp, sigmoid and tanh are within 1e-6 relative
// wherever the true result is a normal float; below that, within FLT_MIN absolute (exp flushes to zero, as
// computing a denormal stalls the core on a microcode assist). NaN in gives NaN out; exp(+inf) = +inf,
// exp(-inf) = 0, sigmoid(±inf) = 1/0, tanh(±inf) = ±1.
// The fused recurrent cells combine their fractions to save divisions: absolute error ~2e-7 per step.
//
// `output` may equal `input` in the one-input functions; otherwise buffers must not overlap.

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/// One implementation of every kernel, for one instruction set.
typedef struct MaaSVectorKernels {
    /// "avx512f", "avx2" or "generic".
    const char *name;
    void (*exp)(const float *input, float *output, ptrdiff_t count);
    void (*sigmoid)(const float *input, float *output, ptrdiff_t count);
    void (*tanh)(const float *input, float *output, ptrdiff_t count);
    /// One LSTM step of one batch row with the default activations (σ, tanh, tanh).
    /// The pre-activations are `gates` + `bias`, both [i | o | f | g] with `count` each (ONNX gate order);
    /// `clip` clamps them (pass INFINITY for none). `cell` is updated in place; `hidden` receives the new h.
    void (*lstmCell)(const float *gates, const float *bias, float *cell, float *hidden, ptrdiff_t count, float clip);
    /// GRU with linear_before_reset = 1, one batch row: `recurrent` holds h·Rᵀ for [z | r | h], `projected`
    /// x·Wᵀ + biases for [z | r | h], `candidateBias` Rbh. `hidden` is updated in place.
    void (*gruLinearBeforeReset)(const float *recurrent, const float *projected, const float *candidateBias,
                                 float *hidden, ptrdiff_t count, float clip);
    /// GRU with linear_before_reset = 0, first half: writes z over recurrent[0, count) and r ⊙ h to `resetHidden`.
    void (*gruUpdateReset)(float *recurrent, const float *projected, const float *hidden, float *resetHidden,
                           ptrdiff_t count, float clip);
    /// Second half: recurrent[0, count) holds z, recurrent[2·count, 3·count) (r ⊙ h)·Rhᵀ; `hidden` is updated.
    void (*gruCandidate)(const float *recurrent, const float *projected, float *hidden, ptrdiff_t count, float clip);
    /// values[r][c] = min(max(values[r][c] + bias[c], lower), upper), then negative results times
    /// `negativeSlope`: a dense layer's bias and Relu (0, INFINITY, 1), LeakyRelu (-INFINITY, INFINITY, α),
    /// Clip (lo, hi, 1) or nothing (-INFINITY, INFINITY, 1) in one pass. `bias` may be NULL (zeros).
    void (*biasActivationRows)(float *values, const float *bias, ptrdiff_t rows, ptrdiff_t columns, float lower,
                               float upper, float negativeSlope);
    /// Softmax (or log-softmax when `logarithm` is non-zero) of each contiguous row of `length` values.
    void (*softmaxRows)(const float *input, float *output, ptrdiff_t rows, ptrdiff_t length, int logarithm);
} MaaSVectorKernels;

typedef enum MaaSInstructionSet {
    MAAS_ISA_GENERIC = 0,
    MAAS_ISA_AVX2 = 1,
    MAAS_ISA_AVX512F = 2,
} MaaSInstructionSet;

/// The kernels for `isa`, or NULL when this CPU (or this build) cannot run them. For tests and benchmarks.
const MaaSVectorKernels *maas_vector_kernels(MaaSInstructionSet isa);

/// The fastest kernels this CPU runs; chosen once.
const MaaSVectorKernels *maas_best_vector_kernels(void);

#ifdef __cplusplus
}
#endif

#endif
