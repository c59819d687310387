#ifndef MACHINEPROBE_H
#define MACHINEPROBE_H

/// Non-zero when the CPU runs AVX2 with FMA.
int mp_has_avx2_fma(void);

/// Non-zero when the CPU runs AVX-512F.
int mp_has_avx512f(void);

/// Runs `iterations` rounds of 12 independent fp32 fused multiply-adds on
/// 8-lane (AVX2) or 16-lane (AVX-512) registers and returns the floating-
/// point operations done (2 per lane per FMA), or -1 when the CPU lacks the
/// instructions. Timing it on every thread gives the machine's FMA ceiling.
double mp_fma_avx2(long iterations);
double mp_fma_avx512(long iterations);

#endif
