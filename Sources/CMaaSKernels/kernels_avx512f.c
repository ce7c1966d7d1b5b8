// AVX-512F, sixteen lanes; masks make the partial last vector a plain masked load and store.
// Compiled with a target attribute on every function (see kernels_avx2.c).
#include "CMaaSKernels.h"

#if defined(__x86_64__)
#include <immintrin.h>

#pragma clang attribute push(__attribute__((target("avx512f"))), apply_to = function)

typedef __m512 VF;
#define LANES 16
#define SUFFIX avx512f
#define ISA_NAME "avx512f"

static inline __mmask16 maas_avx512_lanes_below(ptrdiff_t n) { return (__mmask16)((1u << n) - 1u); }

static inline __m512 maas_avx512_copysign(__m512 magnitude, __m512 sign) {
    __m512i signBit = _mm512_set1_epi32((int)0x80000000u);
    return _mm512_castsi512_ps(_mm512_or_si512(_mm512_andnot_si512(signBit, _mm512_castps_si512(magnitude)),
                                               _mm512_and_si512(signBit, _mm512_castps_si512(sign))));
}

#define VLOAD(p) _mm512_loadu_ps(p)
#define VSTORE(p, v) _mm512_storeu_ps(p, v)
#define VLOADN(p, n, fill) _mm512_mask_loadu_ps(_mm512_set1_ps(fill), maas_avx512_lanes_below(n), p)
#define VSTOREN(p, v, n) _mm512_mask_storeu_ps(p, maas_avx512_lanes_below(n), v)
#define VSET(x) _mm512_set1_ps(x)
#define VADD(a, b) _mm512_add_ps(a, b)
#define VSUB(a, b) _mm512_sub_ps(a, b)
#define VMUL(a, b) _mm512_mul_ps(a, b)
#define VDIV(a, b) _mm512_div_ps(a, b)
#define VFMA(a, b, c) _mm512_fmadd_ps(a, b, c)
#define VFNMA(a, b, c) _mm512_fnmadd_ps(a, b, c)
#define VMIN(a, b) _mm512_min_ps(a, b)
#define VMAX(a, b) _mm512_max_ps(a, b)
#define VROUND(x) _mm512_roundscale_ps(x, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC)
// scalef computes p·2^floor(n) with one rounding, overflowing to inf.
#define VSCALE(p, n) _mm512_scalef_ps(p, n)
#define VSCALE_NARROW(p, n) _mm512_scalef_ps(p, n)
#define VABS(x) _mm512_abs_ps(x)
#define VCOPYSIGN(magnitude, sign) maas_avx512_copysign(magnitude, sign)
#define VLT(a, b) _mm512_cmp_ps_mask(a, b, _CMP_LT_OQ)
#define VGT(a, b) _mm512_cmp_ps_mask(a, b, _CMP_GT_OQ)
#define VSELECT(mask, ifTrue, ifFalse) _mm512_mask_blend_ps(mask, ifFalse, ifTrue)
#define VHMAX(v) _mm512_reduce_max_ps(v)
#define VHSUM(v) _mm512_reduce_add_ps(v)

#include "kernels_template.h"

#pragma clang attribute pop
#endif
