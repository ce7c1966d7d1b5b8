// Picks the kernels for the CPU this process runs on.
#include "CMaaSKernels.h"

extern const MaaSVectorKernels maas_vector_kernels_generic;
#if defined(__x86_64__)
extern const MaaSVectorKernels maas_vector_kernels_avx2;
extern const MaaSVectorKernels maas_vector_kernels_avx512f;
#endif

const MaaSVectorKernels *maas_vector_kernels(MaaSInstructionSet isa) {
    switch (isa) {
    case MAAS_ISA_GENERIC:
        return &maas_vector_kernels_generic;
#if defined(__x86_64__)
    // __builtin_cpu_supports reports a feature only when the OS also saves its registers (XCR0).
    case MAAS_ISA_AVX2:
        __builtin_cpu_init();
        return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") ? &maas_vector_kernels_avx2 : 0;
    case MAAS_ISA_AVX512F:
        __builtin_cpu_init();
        return __builtin_cpu_supports("avx512f") ? &maas_vector_kernels_avx512f : 0;
#endif
    default:
        return 0;
    }
}

const MaaSVectorKernels *maas_best_vector_kernels(void) {
    // Every thread computes the same answer, so a racing first use only repeats the detection.
    static const MaaSVectorKernels *chosen;
    const MaaSVectorKernels *kernels = __atomic_load_n(&chosen, __ATOMIC_ACQUIRE);
    if (kernels) return kernels;
    kernels = maas_vector_kernels(MAAS_ISA_AVX512F);
    if (!kernels) kernels = maas_vector_kernels(MAAS_ISA_AVX2);
    if (!kernels) kernels = maas_vector_kernels(MAAS_ISA_GENERIC);
    __atomic_store_n(&chosen, kernels, __ATOMIC_RELEASE);
    return kernels;
}
