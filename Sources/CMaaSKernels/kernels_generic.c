// Portable C: the variant for CPUs without AVX2 (and for other architectures). Written one float at a time;
// the compiler vectorises the loops for the baseline instruction set (SSE2 on x86-64).
#include "CMaaSKernels.h"
#include <stdint.h>
#include <string.h>

typedef float VF;
#define LANES 1
#define SUFFIX generic
#define ISA_NAME "generic"

static inline float maas_generic_float(uint32_t bits) {
    float value;
    memcpy(&value, &bits, sizeof value);
    return value;
}

static inline uint32_t maas_generic_bits(float value) {
    uint32_t bits;
    memcpy(&bits, &value, sizeof bits);
    return bits;
}

// 1.5·2²³: adding it to a float of magnitude below 2²² rounds it to an integer held in the low mantissa bits.
#define MAAS_ROUNDING_MAGIC 12582912.0f

static inline int32_t maas_generic_integer(float n) {
    return (int32_t)(maas_generic_bits(n + MAAS_ROUNDING_MAGIC) - maas_generic_bits(MAAS_ROUNDING_MAGIC));
}

static inline float maas_generic_scale(float p, float n) {
    // n is integral, so its integer value is the mantissa difference after adding the magic constant; reading
    // it from the bits (in unsigned arithmetic) avoids a float-to-int conversion, undefined for NaN, and keeps
    // the loop vectorisable. Two factors of 2^(n/2) keep each one a normal float across n ∈ [-126, 128], including 128.
    int32_t k = maas_generic_integer(n);
    int32_t half = k >> 1;
    return p * maas_generic_float((uint32_t)(half + 127) << 23) * maas_generic_float((uint32_t)(k - half + 127) << 23);
}

#define VLOAD(p) (*(p))
#define VSTORE(p, v) (*(p) = (v))
// LANES is 1, so the partial forms are never reached; they exist for the shared loops to compile.
#define VLOADN(p, n, fill) ((void)(n), (void)(fill), *(p))
#define VSTOREN(p, v, n) ((void)(n), *(p) = (v))
#define VSET(x) ((float)(x))
#define VADD(a, b) ((a) + (b))
#define VSUB(a, b) ((a) - (b))
#define VMUL(a, b) ((a) * (b))
#define VDIV(a, b) ((a) / (b))
#define VFMA(a, b, c) ((a) * (b) + (c))
#define VFNMA(a, b, c) ((c) - (a) * (b))
#define VMIN(a, b) ((a) < (b) ? (a) : (b))
#define VMAX(a, b) ((a) > (b) ? (a) : (b))
#define VROUND(x) (((x) + MAAS_ROUNDING_MAGIC) - MAAS_ROUNDING_MAGIC)
#define VSCALE(p, n) maas_generic_scale(p, n)
#define VSCALE_NARROW(p, n) ((p) * maas_generic_float((uint32_t)(maas_generic_integer(n) + 127) << 23))
#define VABS(x) __builtin_fabsf(x)
#define VCOPYSIGN(magnitude, sign) __builtin_copysignf(magnitude, sign)
#define VLT(a, b) ((a) < (b))
#define VGT(a, b) ((a) > (b))
#define VSELECT(mask, ifTrue, ifFalse) ((mask) ? (ifTrue) : (ifFalse))
#define VHMAX(v) (v)
#define VHSUM(v) (v)

#include "kernels_template.h"
