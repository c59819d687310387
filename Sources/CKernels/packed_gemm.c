// A float32 GEMM whose right-hand operand is packed once and read by many
// products: a recurrence multiplies the same W_hh by a new hidden state at
// every step, and a BLAS GEMM repacks the whole weight on each call (4 MB
// for a 512-unit LSTM, about 14 % of its training step). The tile kernel is
// in packed_gemm_body.h, compiled for AVX2 + FMA and for AVX-512.
#include "packed_gemm.h"
#include "targets.h"
#include <string.h>

long ck_sgemm_packed_size(long k, long n, long panel) { return (n + panel - 1) / panel * panel * k; }

void ck_sgemm_pack(const float *b, long ldb, int transposed, long k, long n, long panel, float *packed) {
    long panels = (n + panel - 1) / panel;
    for (long jp = 0; jp < panels; jp++) {
        long j0 = jp * panel, width = n - j0 < panel ? n - j0 : panel;
        for (long p = 0; p < k; p++) {
            float *dst = packed + (jp * k + p) * panel;
            if (transposed) {
                for (long q = 0; q < width; q++) dst[q] = b[(j0 + q) * ldb + p];
            } else {
                memcpy(dst, b + p * ldb + j0, (size_t)width * sizeof(float));
            }
            for (long q = width; q < panel; q++) dst[q] = 0;
        }
    }
}

// AVX2: 6 rows × 16 columns, 12 of the 16 registers accumulating; a pass of
// 512 keeps a panel (32 KB) in L1/L2 while every row block reads it.
#define CK_TARGET CK_TARGET_AVX2
#define CK_NAME(f) f##_avx2
#define CK_VEC_BYTES 32
#define CK_MR 6
#define CK_KC 512
#include "packed_gemm_body.h"
#undef CK_TARGET
#undef CK_NAME
#undef CK_VEC_BYTES
#undef CK_MR
#undef CK_KC

// AVX-512: 12 rows × 32 columns, 24 of the 32 registers accumulating, and
// a pass of 256 for the same 32 KB panel.
#define CK_TARGET CK_TARGET_AVX512
#define CK_NAME(f) f##_avx512
#define CK_VEC_BYTES 64
#define CK_MR 12
#define CK_KC 256
#include "packed_gemm_body.h"
#undef CK_TARGET
#undef CK_NAME
#undef CK_VEC_BYTES
#undef CK_MR
#undef CK_KC
