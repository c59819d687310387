import CBLAS

/// Row-major GEMM through OpenBLAS: C[m,n] = op(A)·op(B) (+ beta·C), with
/// transposes passed to BLAS rather than materialised. Public for kernels
/// written outside Tensor, which then share OpenBLAS's one thread budget
/// (``Parallel``).
public enum Gemm {
    /// C = op(A)·op(B) + beta·C on raw row-major buffers: op(A) is [m, k],
    /// op(B) [k, n], C [m, n], with leading dimensions (row strides) lda,
    /// ldb, ldc; `transA`/`transB` read A and B transposed.
    @inline(__always)
    public static func run<T: FloatingElement>(_: T.Type, transA: Bool, transB: Bool, m: Int, n: Int, k: Int,
                                        a: UnsafePointer<T>, lda: Int, b: UnsafePointer<T>, ldb: Int,
                                        c: UnsafeMutablePointer<T>, ldc: Int, beta: T = 0) {
        let ta = transA ? CblasTrans : CblasNoTrans, tb = transB ? CblasTrans : CblasNoTrans
        if T.self == Float.self {
            cblas_sgemm(CblasRowMajor, ta, tb, Int32(m), Int32(n), Int32(k), 1,
                        UnsafeRawPointer(a).assumingMemoryBound(to: Float.self), Int32(lda),
                        UnsafeRawPointer(b).assumingMemoryBound(to: Float.self), Int32(ldb), Float(beta),
                        UnsafeMutableRawPointer(c).assumingMemoryBound(to: Float.self), Int32(ldc))
        } else {
            cblas_dgemm(CblasRowMajor, ta, tb, Int32(m), Int32(n), Int32(k), 1,
                        UnsafeRawPointer(a).assumingMemoryBound(to: Double.self), Int32(lda),
                        UnsafeRawPointer(b).assumingMemoryBound(to: Double.self), Int32(ldb), Double(beta),
                        UnsafeMutableRawPointer(c).assumingMemoryBound(to: Double.self), Int32(ldc))
        }
    }
}
