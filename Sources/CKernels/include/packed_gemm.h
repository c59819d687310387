#ifndef CK_PACKED_GEMM_H
#define CK_PACKED_GEMM_H

/// Columns per packed panel of the AVX2 and of the AVX-512 kernel (two registers).
#define CK_SGEMM_PANEL_AVX2 16
#define CK_SGEMM_PANEL_AVX512 32

/// Floats a packed op(B) of k rows and n columns holds with panels of `panel` columns.
long ck_sgemm_packed_size(long k, long n, long panel);

/// Packs op(B), [k, n] (B itself, row stride ldb, or with `transposed` ≠ 0
/// Bᵀ of a row-major [n, k] B), into column panels of `panel` columns:
/// panel j holds op(B)[p][j·panel + q] at packed[(j·k + p)·panel + q], zero
/// past column n. `packed` holds ck_sgemm_packed_size floats, 64-byte aligned.
void ck_sgemm_pack(const float *b, long ldb, int transposed, long k, long n, long panel, float *packed);

/// C = A·op(B) + beta·C for a row-major A [m, k] (row stride lda) and C
/// [m, n] (ldc), op(B) packed by ck_sgemm_pack with the kernel's panel
/// width (_avx2: CK_SGEMM_PANEL_AVX2, only when ck_cpu_isa() >= 1;
/// _avx512: CK_SGEMM_PANEL_AVX512, only when ck_cpu_isa() == 2). C is not
/// read when beta is 0.
void ck_sgemm_packed_avx2(long m, long n, long k, const float *a, long lda, const float *packed,
                          float *c, long ldc, float beta);
void ck_sgemm_packed_avx512(long m, long n, long k, const float *a, long lda, const float *packed,
                            float *c, long ldc, float beta);

#endif
