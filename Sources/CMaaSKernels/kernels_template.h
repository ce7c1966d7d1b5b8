// The kernels, written once against a small vector vocabulary and compiled once per instruction set.
//
// Not a public header: kernels_avx512f.c, kernels_avx2.c and kernels_generic.c each define the vocabulary
// (VF, LANES, V* operations, SUFFIX) and then include this file, which defines `maas_vector_kernels_SUFFIX`.
//
// Vocabulary:
//   VF                   a vector of LANES floats
//   VLOAD(p) VSTORE(p,v) unaligned full-vector load / store
//   VLOADN(p,n,fill)     the first n (< LANES) floats at p, `fill` in the other lanes
//   VSTOREN(p,v,n)       stores the first n lanes
//   VSET(x)              broadcast
//   VADD VSUB VMUL VDIV
//   VFMA(a,b,c)  a·b + c        VFNMA(a,b,c)  c − a·b
//   VMIN(a,b) VMAX(a,b)  return b when either is NaN (the x86 rule; the generic variant copies it)
//   VROUND(x)            round to nearest integer, as a float
//   VSCALE(p,n)          p·2ⁿ for integral n in [-126, 128] (or p NaN); overflows to inf
//   VSCALE_NARROW(p,n)   the same for n in [-126, 127] (or p NaN), where 2ⁿ is a normal float
//   VABS(x) VCOPYSIGN(magnitude, sign)
//   VLT(a,b) VGT(a,b)    lane masks;  VSELECT(mask, ifTrue, ifFalse)
//   VHMAX(v) VHSUM(v)    horizontal max / sum to a float

#define CONCAT2(a, b) a##_##b
#define CONCAT(a, b) CONCAT2(a, b)
#define FN(name) CONCAT(name, SUFFIX)

// Clamp that lets NaN through: VMIN/VMAX return their second operand when either is NaN.
#define VCLAMP(x, lo, hi) VMAX(lo, VMIN(hi, x))

// ln 2 in two parts, the first with trailing zeros so n·LN2_HI is exact for |n| ≤ 2¹⁵.
#define LOG2E 1.44269504088896341f
#define LN2_HI 0.693359375f
#define LN2_LO -2.12194440e-4f
// e^x overflows above ln(FLT_MAX) and is not a normal float below ln(FLT_MIN). Results below FLT_MIN are
// flushed to zero: producing a denormal costs a microcode assist of ~100 cycles per instruction, which made
// the padded lanes of short softmax rows (e^(−∞)) six times slower than the rest of the row.
#define EXP_MAX 88.7228394f
#define EXP_MIN -87.3365448f

// e^x = 2ⁿ·e^r: range reduction to r = x − n·ln2 with |r| ≤ ln2/2, and a degree-6 minimax polynomial for e^r
// (1.1e-7 relative in float arithmetic). Returns e^r and sets *n.
static inline __attribute__((always_inline)) VF FN(expPolynomial)(VF x, VF *n) {
    *n = VROUND(VMUL(x, VSET(LOG2E)));
    VF r = VFNMA(*n, VSET(LN2_HI), x);
    r = VFNMA(*n, VSET(LN2_LO), r);
    VF p = VSET(1.3836846e-3f);
    p = VFMA(p, r, VSET(8.374816e-3f));
    p = VFMA(p, r, VSET(4.1668225e-2f));
    p = VFMA(p, r, VSET(1.666642e-1f));
    p = VFMA(p, r, VSET(4.9999991e-1f));
    p = VFMA(p, r, VSET(1.0f));
    return VFMA(p, r, VSET(1.0f));
}

// e^x for x already in [EXP_MIN, EXP_MAX] (or NaN).
static inline __attribute__((always_inline)) VF FN(expReduced)(VF x) {
    VF n;
    VF p = FN(expPolynomial)(x, &n);
    return VSCALE(p, n);
}

static inline __attribute__((always_inline)) VF FN(expFull)(VF x) {
    VF y = FN(expReduced)(VCLAMP(x, VSET(EXP_MIN), VSET(EXP_MAX)));
    y = VSELECT(VLT(x, VSET(EXP_MIN)), VSET(0.0f), y);
    return VSELECT(VGT(x, VSET(EXP_MAX)), VSET(__builtin_inff()), y);
}

// e^x with x bounded to ±20, where σ and tanh have saturated in float; 2ⁿ is then one normal float.
static inline __attribute__((always_inline)) VF FN(expBounded)(VF x) {
    VF n;
    VF p = FN(expPolynomial)(VCLAMP(x, VSET(-20.0f), VSET(20.0f)), &n);
    return VSCALE_NARROW(p, n);
}

// e^(−x) needs neither of expFull's selects here: below EXP_MIN it is at most FLT_MIN, which 1 + e^(−x) absorbs,
// and above EXP_MAX the result is selected as 0 directly.
static inline __attribute__((always_inline)) VF FN(sigmoidVector)(VF x) {
    VF e = FN(expReduced)(VCLAMP(VSUB(VSET(0.0f), x), VSET(EXP_MIN), VSET(EXP_MAX)));
    VF y = VDIV(VSET(1.0f), VADD(VSET(1.0f), e));
    return VSELECT(VLT(x, VSET(-EXP_MAX)), VSET(0.0f), y);
}

// Below 0.625 an odd polynomial (7.9e-8 relative, fitted to tanh(x)/x); above, (1 − e)/(1 + e) with
// e = e^(−2|x|) ≤ 0.29, where neither side cancels. Both are computed and one is selected per lane.
static inline __attribute__((always_inline)) VF FN(tanhVector)(VF x) {
    VF a = VABS(x);
    VF t = VMUL(a, a);
    VF q = VSET(-5.7049887e-3f);
    q = VFMA(q, t, VSET(2.0639090e-2f));
    q = VFMA(q, t, VSET(-5.3739715e-2f));
    q = VFMA(q, t, VSET(1.3331442e-1f));
    q = VFMA(q, t, VSET(-3.3333281e-1f));
    VF small = VFMA(VMUL(a, t), q, a);
    VF e = FN(expReduced)(VMAX(VSET(EXP_MIN), VMUL(a, VSET(-2.0f))));
    VF large = VDIV(VSUB(VSET(1.0f), e), VADD(VSET(1.0f), e));
    return VCOPYSIGN(VSELECT(VLT(a, VSET(0.625f)), small, large), x);
}

// Every loop below runs whole vectors, then one partial vector through VLOADN/VSTOREN, which never touch
// memory past the end.

static void FN(expArray)(const float *input, float *output, ptrdiff_t count) {
    ptrdiff_t i = 0;
    for (; i + LANES <= count; i += LANES) VSTORE(output + i, FN(expFull)(VLOAD(input + i)));
    if (i < count) VSTOREN(output + i, FN(expFull)(VLOADN(input + i, count - i, 0.0f)), count - i);
}

static void FN(sigmoidArray)(const float *input, float *output, ptrdiff_t count) {
    ptrdiff_t i = 0;
    for (; i + LANES <= count; i += LANES) VSTORE(output + i, FN(sigmoidVector)(VLOAD(input + i)));
    if (i < count) VSTOREN(output + i, FN(sigmoidVector)(VLOADN(input + i, count - i, 0.0f)), count - i);
}

static void FN(tanhArray)(const float *input, float *output, ptrdiff_t count) {
    ptrdiff_t i = 0;
    for (; i + LANES <= count; i += LANES) VSTORE(output + i, FN(tanhVector)(VLOAD(input + i)));
    if (i < count) VSTOREN(output + i, FN(tanhVector)(VLOADN(input + i, count - i, 0.0f)), count - i);
}

// With Eₓ = e^(−x) (e^(−2x) for tanh arguments):
//   c′ = σ(f)·c + σ(i)·tanh(g) = (c·(1+Eᵢ)(1+E_g) + (1−E_g)(1+E_f)) / ((1+E_f)(1+Eᵢ)(1+E_g))
//   h  = σ(o)·tanh(c′)       = (1−E_c′) / ((1+E_o)(1+E_c′))
// two divisions instead of five. Arguments are bounded to ±20, which also keeps the products finite.
static inline __attribute__((always_inline)) void FN(lstmVector)(VF i, VF o, VF f, VF g, VF c, VF clip,
                                                                 VF *cellOut, VF *hiddenOut) {
    VF negativeClip = VSUB(VSET(0.0f), clip);
    VF di = VADD(VSET(1.0f), FN(expBounded)(VSUB(VSET(0.0f), VCLAMP(i, negativeClip, clip))));
    VF df = VADD(VSET(1.0f), FN(expBounded)(VSUB(VSET(0.0f), VCLAMP(f, negativeClip, clip))));
    VF eg = FN(expBounded)(VMUL(VSET(-2.0f), VCLAMP(g, negativeClip, clip)));
    VF dg = VADD(VSET(1.0f), eg);
    VF didg = VMUL(di, dg);
    VF cell = VDIV(VFMA(c, didg, VMUL(VSUB(VSET(1.0f), eg), df)), VMUL(df, didg));
    VF eo = FN(expBounded)(VSUB(VSET(0.0f), VCLAMP(o, negativeClip, clip)));
    VF ec = FN(expBounded)(VMUL(VSET(-2.0f), cell));
    *cellOut = cell;
    *hiddenOut = VDIV(VSUB(VSET(1.0f), ec), VMUL(VADD(VSET(1.0f), eo), VADD(VSET(1.0f), ec)));
}

static void FN(lstmCell)(const float *gates, const float *bias, float *cell, float *hidden, ptrdiff_t count,
                         float clipValue) {
    VF clip = VSET(clipValue);
    ptrdiff_t j = 0;
#define GATE(block) VADD(VLOAD(gates + (block) * count + j), VLOAD(bias + (block) * count + j))
    for (; j + LANES <= count; j += LANES) {
        VF c, h;
        FN(lstmVector)(GATE(0), GATE(1), GATE(2), GATE(3), VLOAD(cell + j), clip, &c, &h);
        VSTORE(cell + j, c);
        VSTORE(hidden + j, h);
    }
#undef GATE
    if (j < count) {
        ptrdiff_t n = count - j;
#define GATE(block) VADD(VLOADN(gates + (block) * count + j, n, 0.0f), VLOADN(bias + (block) * count + j, n, 0.0f))
        VF c, h;
        FN(lstmVector)(GATE(0), GATE(1), GATE(2), GATE(3), VLOADN(cell + j, n, 0.0f), clip, &c, &h);
#undef GATE
        VSTOREN(cell + j, c, n);
        VSTOREN(hidden + j, h, n);
    }
}

// (1 − z)·tanh(p) + z·h with z = 1/(1+E_z), tanh(p) = (1−E_p)/(1+E_p):
//   (E_z·(1 − E_p) + h·(1 + E_p)) / ((1 + E_z)(1 + E_p))
static inline __attribute__((always_inline)) VF FN(gruBlend)(VF zArgument, VF candidateArgument, VF h) {
    VF ez = FN(expBounded)(VSUB(VSET(0.0f), zArgument));
    VF ep = FN(expBounded)(VMUL(VSET(-2.0f), candidateArgument));
    VF numerator = VFMA(ez, VSUB(VSET(1.0f), ep), VMUL(h, VADD(VSET(1.0f), ep)));
    return VDIV(numerator, VMUL(VADD(VSET(1.0f), ez), VADD(VSET(1.0f), ep)));
}

static inline __attribute__((always_inline)) VF FN(gruLinearBeforeResetVector)(VF recZ, VF recR, VF recH, VF projZ,
                                                                               VF projR, VF projH, VF bias, VF h,
                                                                               VF clip) {
    VF negativeClip = VSUB(VSET(0.0f), clip);
    VF z = VCLAMP(VADD(recZ, projZ), negativeClip, clip);
    VF r = FN(sigmoidVector)(VCLAMP(VADD(recR, projR), negativeClip, clip));
    VF p = VCLAMP(VFMA(r, VADD(recH, bias), projH), negativeClip, clip);
    return FN(gruBlend)(z, p, h);
}

static void FN(gruLinearBeforeReset)(const float *recurrent, const float *projected, const float *candidateBias,
                                     float *hidden, ptrdiff_t count, float clipValue) {
    VF clip = VSET(clipValue);
    const float *rz = recurrent, *rr = recurrent + count, *rh = recurrent + 2 * count;
    const float *pz = projected, *pr = projected + count, *ph = projected + 2 * count;
    ptrdiff_t j = 0;
    for (; j + LANES <= count; j += LANES) {
        VSTORE(hidden + j, FN(gruLinearBeforeResetVector)(VLOAD(rz + j), VLOAD(rr + j), VLOAD(rh + j), VLOAD(pz + j),
                                                          VLOAD(pr + j), VLOAD(ph + j), VLOAD(candidateBias + j),
                                                          VLOAD(hidden + j), clip));
    }
    if (j < count) {
        ptrdiff_t n = count - j;
        VSTOREN(hidden + j,
                FN(gruLinearBeforeResetVector)(VLOADN(rz + j, n, 0.0f), VLOADN(rr + j, n, 0.0f),
                                               VLOADN(rh + j, n, 0.0f), VLOADN(pz + j, n, 0.0f),
                                               VLOADN(pr + j, n, 0.0f), VLOADN(ph + j, n, 0.0f),
                                               VLOADN(candidateBias + j, n, 0.0f), VLOADN(hidden + j, n, 0.0f), clip),
                n);
    }
}

static void FN(gruUpdateReset)(float *recurrent, const float *projected, const float *hidden, float *resetHidden,
                               ptrdiff_t count, float clipValue) {
    VF clip = VSET(clipValue), negativeClip = VSET(-clipValue);
    float *rz = recurrent;
    const float *rr = recurrent + count, *pz = projected, *pr = projected + count;
    ptrdiff_t j = 0;
    for (; j + LANES <= count; j += LANES) {
        VF z = FN(sigmoidVector)(VCLAMP(VADD(VLOAD(rz + j), VLOAD(pz + j)), negativeClip, clip));
        VF r = FN(sigmoidVector)(VCLAMP(VADD(VLOAD(rr + j), VLOAD(pr + j)), negativeClip, clip));
        VSTORE(rz + j, z);
        VSTORE(resetHidden + j, VMUL(r, VLOAD(hidden + j)));
    }
    if (j < count) {
        ptrdiff_t n = count - j;
        VF z = FN(sigmoidVector)(VCLAMP(VADD(VLOADN(rz + j, n, 0.0f), VLOADN(pz + j, n, 0.0f)), negativeClip, clip));
        VF r = FN(sigmoidVector)(VCLAMP(VADD(VLOADN(rr + j, n, 0.0f), VLOADN(pr + j, n, 0.0f)), negativeClip, clip));
        VSTOREN(rz + j, z, n);
        VSTOREN(resetHidden + j, VMUL(r, VLOADN(hidden + j, n, 0.0f)), n);
    }
}

static void FN(gruCandidate)(const float *recurrent, const float *projected, float *hidden, ptrdiff_t count,
                             float clipValue) {
    VF clip = VSET(clipValue), negativeClip = VSET(-clipValue);
    const float *z = recurrent, *rh = recurrent + 2 * count, *ph = projected + 2 * count;
    ptrdiff_t j = 0;
    for (; j + LANES <= count; j += LANES) {
        VF proposal = FN(tanhVector)(VCLAMP(VADD(VLOAD(rh + j), VLOAD(ph + j)), negativeClip, clip));
        VF update = VLOAD(z + j);
        // (1 − z)·p + z·h = p + z·(h − p)
        VSTORE(hidden + j, VFMA(update, VSUB(VLOAD(hidden + j), proposal), proposal));
    }
    if (j < count) {
        ptrdiff_t n = count - j;
        VF proposal = FN(tanhVector)(VCLAMP(VADD(VLOADN(rh + j, n, 0.0f), VLOADN(ph + j, n, 0.0f)), negativeClip, clip));
        VF update = VLOADN(z + j, n, 0.0f);
        VSTOREN(hidden + j, VFMA(update, VSUB(VLOADN(hidden + j, n, 0.0f), proposal), proposal), n);
    }
}

static inline __attribute__((always_inline)) VF FN(piecewiseLinear)(VF y, VF lower, VF upper, VF slope) {
    y = VCLAMP(y, lower, upper);
    return VSELECT(VLT(y, VSET(0.0f)), VMUL(y, slope), y);
}

static void FN(biasActivationRows)(float *values, const float *bias, ptrdiff_t rows, ptrdiff_t columns,
                                   float lowerValue, float upperValue, float slopeValue) {
    VF lower = VSET(lowerValue), upper = VSET(upperValue), slope = VSET(slopeValue);
    for (ptrdiff_t row = 0; row < rows; row++) {
        float *y = values + row * columns;
        ptrdiff_t j = 0;
        for (; j + LANES <= columns; j += LANES) {
            VF b = bias ? VLOAD(bias + j) : VSET(0.0f);
            VSTORE(y + j, FN(piecewiseLinear)(VADD(VLOAD(y + j), b), lower, upper, slope));
        }
        if (j < columns) {
            ptrdiff_t n = columns - j;
            VF b = bias ? VLOADN(bias + j, n, 0.0f) : VSET(0.0f);
            VSTOREN(y + j, FN(piecewiseLinear)(VADD(VLOADN(y + j, n, 0.0f), b), lower, upper, slope), n);
        }
    }
}

// Subtracts the row maximum first so large logits cannot overflow; log-softmax keeps (x − max) − log Σ in
// that order so the shift does not round away a small result.
// A row that fits one vector stays in registers: storing exponentials with a masked store and reloading them
// to scale would stall on store forwarding, once per row.
static inline __attribute__((always_inline)) void FN(softmaxShortRow)(const float *x, float *y, ptrdiff_t length,
                                                                      int logarithm) {
    VF v = length == LANES ? VLOAD(x) : VLOADN(x, length, -__builtin_inff());
    VF shifted = VSUB(v, VSET(VHMAX(v)));
    VF e = FN(expFull)(shifted);
    float sum = VHSUM(e);
    VF result = logarithm ? VSUB(shifted, VSET(__builtin_logf(sum))) : VMUL(e, VSET(1.0f / sum));
    if (length == LANES) {
        VSTORE(y, result);
    } else {
        VSTOREN(y, result, length);
    }
}

static void FN(softmaxRows)(const float *input, float *output, ptrdiff_t rows, ptrdiff_t length, int logarithm) {
    if (length <= 0) return;
    if (length <= LANES) {
        for (ptrdiff_t row = 0; row < rows; row++) FN(softmaxShortRow)(input + row * length, output + row * length, length, logarithm);
        return;
    }
    const float negativeInfinity = -__builtin_inff();
    for (ptrdiff_t row = 0; row < rows; row++) {
        const float *x = input + row * length;
        float *y = output + row * length;
        VF maxima = VSET(negativeInfinity);
        ptrdiff_t j = 0;
        for (; j + LANES <= length; j += LANES) maxima = VMAX(VLOAD(x + j), maxima);
        if (j < length) maxima = VMAX(VLOADN(x + j, length - j, negativeInfinity), maxima);
        VF maximum = VSET(VHMAX(maxima));
        VF sums = VSET(0.0f);
        for (j = 0; j + LANES <= length; j += LANES) {
            VF e = FN(expFull)(VSUB(VLOAD(x + j), maximum));
            if (!logarithm) VSTORE(y + j, e);
            sums = VADD(sums, e);
        }
        if (j < length) {
            VF e = FN(expFull)(VSUB(VLOADN(x + j, length - j, negativeInfinity), maximum));
            if (!logarithm) VSTOREN(y + j, e, length - j);
            sums = VADD(sums, e);
        }
        float sum = VHSUM(sums);
        if (logarithm) {
            VF logSum = VSET(__builtin_logf(sum));
            for (j = 0; j + LANES <= length; j += LANES) VSTORE(y + j, VSUB(VSUB(VLOAD(x + j), maximum), logSum));
            if (j < length) VSTOREN(y + j, VSUB(VSUB(VLOADN(x + j, length - j, 0.0f), maximum), logSum), length - j);
        } else {
            VF scale = VSET(1.0f / sum);
            for (j = 0; j + LANES <= length; j += LANES) VSTORE(y + j, VMUL(VLOAD(y + j), scale));
            if (j < length) VSTOREN(y + j, VMUL(VLOADN(y + j, length - j, 0.0f), scale), length - j);
        }
    }
}

const MaaSVectorKernels FN(maas_vector_kernels) = {
    .name = ISA_NAME,
    .exp = FN(expArray),
    .sigmoid = FN(sigmoidArray),
    .tanh = FN(tanhArray),
    .lstmCell = FN(lstmCell),
    .gruLinearBeforeReset = FN(gruLinearBeforeReset),
    .gruUpdateReset = FN(gruUpdateReset),
    .gruCandidate = FN(gruCandidate),
    .biasActivationRows = FN(biasActivationRows),
    .softmaxRows = FN(softmaxRows),
};
