#ifndef YT8M_CKERNELS_H
#define YT8M_CKERNELS_H

/// Non-zero when the CPU runs AVX2 and FMA (checked once at run time).
int yt8m_has_avx2_fma(void);

/// y[i] = f(x[i]) for i in [0, n), 8 lanes at a time with AVX2 + FMA.
/// Only call when yt8m_has_avx2_fma() is non-zero.
void yt8m_exp_avx2(const float *x, float *y, long n);
void yt8m_sigmoid_avx2(const float *x, float *y, long n);
void yt8m_tanh_avx2(const float *x, float *y, long n);

#endif
