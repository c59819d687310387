// The tile kernel of packed_gemm.c, compiled once per instruction set: the
// includer defines CK_TARGET (the function target attribute), CK_NAME(f)
// (f with the set's suffix), CK_VEC_BYTES (the register width), CK_MR (rows
// per tile) and CK_KC (the depth of one pass over a panel). A tile is CK_MR
// rows of C by one panel (two registers of columns), summed in registers
// over one pass; the products are written as plain vector arithmetic, which
// the compiler contracts into FMAs for the target.

#define CK_VL (CK_VEC_BYTES / 4)
#define CK_NR (2 * CK_VL)

typedef float CK_NAME(vec) __attribute__((vector_size(CK_VEC_BYTES)));

// c[0..<mr][0..<columns] = beta·c + a[0..<mr][0..<kc]·panel. mr is a
// constant at every call site, so the loops unroll and acc stays in registers.
CK_TARGET __attribute__((always_inline)) static inline void CK_NAME(tile)(
    long mr, long kc, const float *a, long lda, const float *panel, float *c, long ldc, float beta, long columns) {
    typedef CK_NAME(vec) vec;
    vec acc[CK_MR][2];
    for (long i = 0; i < mr; i++) { acc[i][0] = (vec){0}; acc[i][1] = (vec){0}; }
    for (long p = 0; p < kc; p++) {
        vec b0 = *(const vec *)(panel + p * CK_NR), b1 = *(const vec *)(panel + p * CK_NR + CK_VL);
        for (long i = 0; i < mr; i++) {
            float ai = a[i * lda + p];  // splat by the vector product (a broadcast load)
            acc[i][0] = acc[i][0] + ai * b0;
            acc[i][1] = acc[i][1] + ai * b1;
        }
    }
    for (long i = 0; i < mr; i++) {
        float *ci = c + i * ldc;
        if (columns == CK_NR) {
            vec c0 = acc[i][0], c1 = acc[i][1], old0, old1;
            if (beta != 0) {
                memcpy(&old0, ci, CK_VEC_BYTES);
                memcpy(&old1, ci + CK_VL, CK_VEC_BYTES);
                c0 = c0 + beta * old0;
                c1 = c1 + beta * old1;
            }
            memcpy(ci, &c0, CK_VEC_BYTES);
            memcpy(ci + CK_VL, &c1, CK_VEC_BYTES);
        } else {
            float row[CK_NR];
            memcpy(row, &acc[i][0], CK_VEC_BYTES);
            memcpy(row + CK_VL, &acc[i][1], CK_VEC_BYTES);
            for (long j = 0; j < columns; j++) ci[j] = beta != 0 ? row[j] + beta * ci[j] : row[j];
        }
    }
}

#define CK_TILE(R) case R: CK_NAME(tile)(R, kc, ar, lda, panel, cr, ldc, pass_beta, columns); break;

CK_TARGET void CK_NAME(ck_sgemm_packed)(long m, long n, long k, const float *a, long lda, const float *packed,
                                        float *c, long ldc, float beta) {
    long panels = (n + CK_NR - 1) / CK_NR;
    for (long kb = 0; kb < k; kb += CK_KC) {
        long kc = k - kb < CK_KC ? k - kb : CK_KC;
        float pass_beta = kb == 0 ? beta : 1;  // later passes add to the first one's sums
        for (long jp = 0; jp < panels; jp++) {
            const float *panel = packed + (jp * k + kb) * CK_NR;
            long columns = n - jp * CK_NR < CK_NR ? n - jp * CK_NR : CK_NR;
            long i = 0;
            for (; i + CK_MR <= m; i += CK_MR)
                CK_NAME(tile)(CK_MR, kc, a + i * lda + kb, lda, panel, c + i * ldc + jp * CK_NR, ldc, pass_beta, columns);
            const float *ar = a + i * lda + kb;
            float *cr = c + i * ldc + jp * CK_NR;
            switch (m - i) {  // the last rows, fewer than CK_MR
                CK_TILE(1) CK_TILE(2) CK_TILE(3) CK_TILE(4) CK_TILE(5)
#if CK_MR > 6
                CK_TILE(6) CK_TILE(7) CK_TILE(8) CK_TILE(9) CK_TILE(10) CK_TILE(11)
#endif
                default: break;
            }
        }
    }
}

#undef CK_TILE
#undef CK_VL
#undef CK_NR
