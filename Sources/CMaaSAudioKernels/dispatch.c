// Picks the FFT stages for the CPU this process runs on.
#include "CMaaSAudioKernels.h"

extern const MaaSFFTKernels maas_fft_kernels_generic;
#if defined(__x86_64__)
extern const MaaSFFTKernels maas_fft_kernels_avx2;
extern const MaaSFFTKernels maas_fft_kernels_avx512f;
#endif

const MaaSFFTKernels *maas_fft_kernels(MaaSAudioInstructionSet isa) {
    switch (isa) {
    case MAAS_AUDIO_ISA_GENERIC:
        return &maas_fft_kernels_generic;
#if defined(__x86_64__)
    // __builtin_cpu_supports reports a feature only when the OS also saves its registers (XCR0).
    case MAAS_AUDIO_ISA_AVX2:
        __builtin_cpu_init();
        return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") ? &maas_fft_kernels_avx2 : 0;
    case MAAS_AUDIO_ISA_AVX512F:
        __builtin_cpu_init();
        return __builtin_cpu_supports("avx512f") ? &maas_fft_kernels_avx512f : 0;
#endif
    default:
        return 0;
    }
}

const MaaSFFTKernels *maas_best_fft_kernels(void) {
    // Every thread computes the same answer, so a racing first use only repeats the detection.
    static const MaaSFFTKernels *chosen;
    const MaaSFFTKernels *kernels = __atomic_load_n(&chosen, __ATOMIC_ACQUIRE);
    if (kernels) return kernels;
    kernels = maas_fft_kernels(MAAS_AUDIO_ISA_AVX512F);
    if (!kernels) kernels = maas_fft_kernels(MAAS_AUDIO_ISA_AVX2);
    if (!kernels) kernels = maas_fft_kernels(MAAS_AUDIO_ISA_GENERIC);
    __atomic_store_n(&chosen, kernels, __ATOMIC_RELEASE);
    return kernels;
}
