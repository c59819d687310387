#ifndef CKERNELS_H
#define CKERNELS_H

/// Non-zero when the CPU runs AVX2 and FMA (checked once at run time).
int ck_has_avx2_fma(void);

/// y[i] = f(x[i]) for i in [0, n), 8 lanes at a time with AVX2 + FMA.
/// Only call when ck_has_avx2_fma() is non-zero.
void ck_exp_avx2(const float *x, float *y, long n);
void ck_sigmoid_avx2(const float *x, float *y, long n);
void ck_tanh_avx2(const float *x, float *y, long n);

#endif
