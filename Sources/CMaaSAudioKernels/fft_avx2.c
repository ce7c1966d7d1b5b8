// AVX2 + FMA. Compiled with a target attribute on every function, so the rest of the target (and the
// binary) stays baseline x86-64; dispatch.c calls in here only after checking the CPU.
#include "CMaaSAudioKernels.h"
// System headers before any target attribute, which should apply to this file's kernels only.
#if defined(__x86_64__)
#include <immintrin.h>
#endif
#include <math.h>
#include <string.h>

#if defined(__x86_64__)
#pragma clang attribute push(__attribute__((target("avx,avx2,fma"))), apply_to = function)

#define SUFFIX avx2
#define LANES 8
#define MAAS_TRANSPOSE_AVX2 1
#define ISA_NAME "avx2"

#include "fft_template.h"
#include "framing_template.h"
#include "spectrum_template.h"

#pragma clang attribute pop
#endif
