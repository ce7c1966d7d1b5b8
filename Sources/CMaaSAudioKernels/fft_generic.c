// Portable C: the variant for CPUs without AVX2 (and other architectures); the compiler vectorises the
// contiguous inner loops for the baseline instruction set (four lanes of SSE2 on x86-64).
#include "CMaaSAudioKernels.h"

#define SUFFIX generic
#define ISA_NAME "generic"

#include "fft_template.h"
