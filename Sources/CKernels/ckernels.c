// Float32 exp, sigmoid and tanh compiled for AVX2 + FMA through function
// target attributes (no build flags: SwiftPM refuses unsafeFlags in
// dependencies), chosen at run time when the CPU has them. The scalar
// functions are branch-free so the loops vectorise 8 lanes wide; the math
// is the same Cephes scheme as the Swift VectorMath fallback.
#include "ckernels.h"
#include <stdint.h>
#include <string.h>

#if defined(__x86_64__) || defined(__i386__)
#define TARGET __attribute__((target("avx2,fma")))

int ck_has_avx2_fma(void) {
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
}
#else
// Other architectures (arm64: Graviton, Ampere, Raspberry Pi) have neither
// the target attribute nor the CPU query: the loops compile as portable C,
// are never chosen, and the Swift VectorMath path runs.
#define TARGET

int ck_has_avx2_fma(void) { return 0; }
#endif

static inline float bits_to_float(uint32_t u) { float f; memcpy(&f, &u, 4); return f; }
static inline uint32_t float_to_bits(float f) { uint32_t u; memcpy(&u, &f, 4); return u; }

// e^x: x = n ln2 + r, e^r by a degree-6 polynomial, 2^n as two exponent
// factors (n reaches 128 just below the overflow limit). Below −87.34 the
// result flushes to 0; above 88.72 it is +inf; NaN stays NaN.
TARGET static inline float exp_lane(float x) {
    float xc = x < -87.33654f ? -87.33654f : (x > 88.72283f ? 88.72283f : x);
    float t = xc * 1.44269504088896341f + 12582912.0f;
    float n = t - 12582912.0f;
    float r = xc - n * 0.693359375f + n * 2.12194440e-4f;
    float p = 1.9875691500e-4f;
    p = p * r + 1.3981999507e-3f;
    p = p * r + 8.3334519073e-3f;
    p = p * r + 4.1665795894e-2f;
    p = p * r + 1.6666665459e-1f;
    p = p * r + 5.0000001201e-1f;
    p = p * r * r + r + 1.0f;
    int32_t k = (int32_t)float_to_bits(t) - (int32_t)float_to_bits(12582912.0f);
    int32_t h = k >> 1;
    float y = p * bits_to_float((uint32_t)(h + 127) << 23) * bits_to_float((uint32_t)(k - h + 127) << 23);
    y = x > 88.72283f ? __builtin_inff() : y;
    y = x < -87.33654f ? 0.0f : y;
    return x != x ? x : y;
}

TARGET static inline float tanh_lane(float x) {
    float ax = bits_to_float(float_to_bits(x) & 0x7FFFFFFFu);
    float z = x * x;
    float p = -5.70498872745e-3f;
    p = p * z + 2.06390887954e-2f;
    p = p * z - 5.37397155531e-2f;
    p = p * z + 1.33314422036e-1f;
    p = p * z - 3.33332819422e-1f;
    float small = x + x * z * p;
    float large = 1.0f - 2.0f / (exp_lane(2.0f * ax) + 1.0f);
    float signed_large = bits_to_float(float_to_bits(large) | (float_to_bits(x) & 0x80000000u));
    return ax < 0.625f ? small : signed_large;
}

TARGET void ck_exp_avx2(const float *x, float *y, long n) {
    for (long i = 0; i < n; i++) y[i] = exp_lane(x[i]);
}

TARGET void ck_sigmoid_avx2(const float *x, float *y, long n) {
    for (long i = 0; i < n; i++) y[i] = 1.0f / (1.0f + exp_lane(-x[i]));
}

TARGET void ck_tanh_avx2(const float *x, float *y, long n) {
    for (long i = 0; i < n; i++) y[i] = tanh_lane(x[i]);
}
