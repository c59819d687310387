#ifndef CKERNELS_H
#define CKERNELS_H

#include "packed_gemm.h"

/// The widest instruction set the CPU runs among those the kernels are built
/// for (checked at run time): 2 for AVX-512 (F, DQ, BW and VL, with AVX2 and
/// FMA), 1 for AVX2 + FMA, 0 for neither (and on every non-x86 CPU).
int ck_cpu_isa(void);

// Each kernel comes in an _avx2 form (call only when ck_cpu_isa() >= 1) and
// an _avx512 form (only when ck_cpu_isa() == 2), with the same arithmetic.
#define CK_DECLARE(SUFFIX)                                                                                   \
    /** y[i] = e^x[i]; results below float32's normal range flush to 0. y may be x, or disjoint from it. */ \
    void ck_exp_##SUFFIX(const float *x, float *y, long n);                                                  \
    /** y[i] = 1 / (1 + e^-x[i]). */                                                                         \
    void ck_sigmoid_##SUFFIX(const float *x, float *y, long n);                                              \
    /** y[i] = tanh x[i]. */                                                                                 \
    void ck_tanh_##SUFFIX(const float *x, float *y, long n);                                                 \
    /** Softmax (log-softmax when log_softmax != 0) of each of `rows` contiguous rows of n, max-shifted. */ \
    void ck_softmax_rows_##SUFFIX(const float *x, float *y, long rows, long n, int log_softmax);             \
    /** Each row of n to mean 0 and variance 1 (biased): y = (x − μ)·rstd, rstd = 1/√(σ² + ε) per row. */    \
    void ck_layer_norm_rows_##SUFFIX(const float *x, float *y, float *rstd, long rows, long n, float epsilon); \
    /** One Adam step: g += l2·w; w *= w_decay; m, v updated; w −= step_size·m / (√v·inv_c2 + eps). */      \
    void ck_adam_##SUFFIX(float *w, const float *g, float *m, float *v, long n, float b1, float b2,          \
                          float eps, float l2, float w_decay, float step_size, float inv_c2);                \
    /** One RMSprop step; b (momentum buffer) and mean (centred average) may be null. */                     \
    void ck_rmsprop_##SUFFIX(float *w, const float *g, float *v, float *b, float *mean, long n, float lr,    \
                             float alpha, float eps, float wd, float momentum);                              \
    /** One SGD step; buf (the momentum buffer) is null without momentum. */                                 \
    void ck_sgd_##SUFFIX(float *w, const float *g, float *buf, long n, float lr, float mu, float wd,         \
                         int fresh, int nesterov);

CK_DECLARE(avx2)
CK_DECLARE(avx512)
#undef CK_DECLARE

#endif
