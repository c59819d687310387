// The fp32 FMA ceiling of the machine, for the benchmark header: a loop of
// FMAs into 12 independent accumulators, enough to cover the FMA latency
// (4–5 cycles) times the FMA ports (2) on current x86 cores, so the loop is
// bound by FMA throughput alone. The ISAs are chosen by target attributes
// (no build flags) and only called when the CPU has them.
#include "machineprobe.h"

#if defined(__x86_64__)
#include <immintrin.h>

int mp_has_avx2_fma(void) {
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
}

int mp_has_avx512f(void) {
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx512f");
}

// The accumulators converge to c / (1 - m) and never overflow or go subnormal,
// so no slow path of the FPU is ever taken. The sum is returned so the
// compiler cannot drop the loop.
#define FMA_LOOP(VEC, SET1, FMADD, ADD, STORE, LANES)                              \
    VEC m = SET1(0.999999f), c = SET1(1e-6f);                                      \
    VEC a0 = SET1(0.0f), a1 = SET1(0.1f), a2 = SET1(0.2f), a3 = SET1(0.3f);        \
    VEC a4 = SET1(0.4f), a5 = SET1(0.5f), a6 = SET1(0.6f), a7 = SET1(0.7f);        \
    VEC a8 = SET1(0.8f), a9 = SET1(0.9f), a10 = SET1(1.0f), a11 = SET1(1.1f);      \
    for (long i = 0; i < iterations; i++) {                                        \
        a0 = FMADD(a0, m, c); a1 = FMADD(a1, m, c); a2 = FMADD(a2, m, c);          \
        a3 = FMADD(a3, m, c); a4 = FMADD(a4, m, c); a5 = FMADD(a5, m, c);          \
        a6 = FMADD(a6, m, c); a7 = FMADD(a7, m, c); a8 = FMADD(a8, m, c);          \
        a9 = FMADD(a9, m, c); a10 = FMADD(a10, m, c); a11 = FMADD(a11, m, c);      \
    }                                                                              \
    VEC s = ADD(ADD(ADD(a0, a1), ADD(a2, a3)), ADD(ADD(a4, a5), ADD(a6, a7)));     \
    s = ADD(s, ADD(ADD(a8, a9), ADD(a10, a11)));                                   \
    float lanes[LANES];                                                            \
    STORE(lanes, s);                                                               \
    volatile float sink = 0;                                                       \
    for (int l = 0; l < LANES; l++) sink += lanes[l];                              \
    (void)sink;                                                                    \
    return 2.0 * 12.0 * LANES * (double)iterations;

__attribute__((target("avx2,fma"))) static double fma_avx2(long iterations) {
    FMA_LOOP(__m256, _mm256_set1_ps, _mm256_fmadd_ps, _mm256_add_ps, _mm256_storeu_ps, 8)
}

__attribute__((target("avx512f"))) static double fma_avx512(long iterations) {
    FMA_LOOP(__m512, _mm512_set1_ps, _mm512_fmadd_ps, _mm512_add_ps, _mm512_storeu_ps, 16)
}

double mp_fma_avx2(long iterations) { return mp_has_avx2_fma() ? fma_avx2(iterations) : -1; }
double mp_fma_avx512(long iterations) { return mp_has_avx512f() ? fma_avx512(iterations) : -1; }

#else
// Other architectures report neither ISA; the header then gives no ceiling.
int mp_has_avx2_fma(void) { return 0; }
int mp_has_avx512f(void) { return 0; }
double mp_fma_avx2(long iterations) { (void)iterations; return -1; }
double mp_fma_avx512(long iterations) { (void)iterations; return -1; }
#endif
