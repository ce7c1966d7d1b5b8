// Portable C: the variant for CPUs without AVX2 (and other architectures); the compiler vectorises the
// contiguous inner loops for the baseline instruction set (four lanes of SSE2 on x86-64).
#include "CMaaSAudioKernels.h"
// System headers before any target attribute, which should apply to this file's kernels only.
#include <math.h>
#include <string.h>

#define SUFFIX generic
#define LANES 4
#define ISA_NAME "generic"

#include "fft_template.h"
#include "framing_template.h"
#include "spectrum_template.h"
