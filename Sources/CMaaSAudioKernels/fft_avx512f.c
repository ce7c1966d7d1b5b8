// AVX-512F. Compiled with a target attribute on every function (see fft_avx2.c).
#include "CMaaSAudioKernels.h"

#if defined(__x86_64__)
#pragma clang attribute push(__attribute__((target("avx512f"))), apply_to = function)

#define SUFFIX avx512f
#define ISA_NAME "avx512f"

#include "fft_template.h"

#pragma clang attribute pop
#endif
