// The float32 kernels (exp, sigmoid, tanh, row softmax, row layer norm and
// the Adam, RMSprop and SGD updates) compiled for AVX2 + FMA and for AVX-512
// through function target attributes (targets.h), chosen at run time by VectorMath.isa in
// Swift from ck_cpu_isa(). The lane math is the same Cephes scheme as the
// Swift VectorMath fallback; the bodies are in ckernels_body.h, included once
// per instruction set.
#include "ckernels.h"
#include "targets.h"
#include <math.h>
#include <stdint.h>
#include <string.h>

static inline float bits_to_float(uint32_t u) { float f; memcpy(&f, &u, 4); return f; }
static inline uint32_t float_to_bits(float f) { uint32_t u; memcpy(&u, &f, 4); return u; }

// Partial sums per reduction: one AVX-512 register or two AVX2 ones, the
// same for both sets so their sums round alike.
#define CK_LANES 16

// sqrt without errno (sqrtf may set it for negative input, which keeps the
// compiler from vectorising the loop).
#if defined(__has_builtin)
#if __has_builtin(__builtin_elementwise_sqrt)
#define CK_SQRT(x) __builtin_elementwise_sqrt(x)
#endif
#endif
#ifndef CK_SQRT
#define CK_SQRT(x) sqrtf(x)
#endif

#if CK_X86
int ck_cpu_isa(void) {
    __builtin_cpu_init();
    if (!__builtin_cpu_supports("avx2") || !__builtin_cpu_supports("fma")) return 0;
    if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq")
        && __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512vl")) return 2;
    return 1;
}
#else
// No CPU query off x86: the Swift VectorMath path runs.
int ck_cpu_isa(void) { return 0; }
#endif

#define CK_TARGET CK_TARGET_AVX2
#define CK_NAME(f) f##_avx2
#include "ckernels_body.h"
#undef CK_TARGET
#undef CK_NAME

#define CK_TARGET CK_TARGET_AVX512
#define CK_NAME(f) f##_avx512
#include "ckernels_body.h"
#undef CK_TARGET
#undef CK_NAME
