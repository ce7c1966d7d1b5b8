// AVX-512F: batches of 16 frames, one zmm register per value. Compiled with a target attribute on every
// function (see fft_avx2.c).
#include "CMaaSAudioKernels.h"
// System headers before any target attribute, which should apply to this file's kernels only.
#if defined(__x86_64__)
#include <immintrin.h>
#endif
#include <math.h>
#include <string.h>

#if defined(__x86_64__)
#pragma clang attribute push(__attribute__((target("avx512f"))), apply_to = function)

#define SUFFIX avx512f
#define LANES 16
#define MAAS_TRANSPOSE_AVX512 1
#define ISA_NAME "avx512f"

#include "fft_template.h"
#include "framing_template.h"
#include "spectrum_template.h"

#pragma clang attribute pop
#endif
