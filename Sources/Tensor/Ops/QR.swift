import CBLAS

extension Tensor {
    /// Q of the thin QR decomposition of an m×n matrix (m ≥ n) through
    /// LAPACKE's geqrf/orgqr, with column signs fixed so diag(R) > 0 (then Q
    /// of a Gaussian matrix is Haar-distributed, Mezzadri 2007). Not differentiable.
    public func qrOrthonormalColumns() -> Tensor {
        precondition(rank == 2 && shape[0] >= shape[1],
                     "qrOrthonormalColumns: needs an m×n matrix with m ≥ n, got \(shape)")
        requireFloat("qrOrthonormalColumns")
        let m = shape[0], n = shape[1]
        var a = converted(to: .float64).detached()
        a.makeUnique()
        var tau = [Double](repeating: 0, count: n)
        let p = a.pointer(Double.self)
        var info = LAPACKE_dgeqrf(LAPACK_ROW_MAJOR, Int32(m), Int32(n), p, Int32(n), &tau)
        precondition(info == 0, "qrOrthonormalColumns: LAPACKE_dgeqrf failed with info \(info)")
        let diagonalSigns = (0..<n).map { p[$0 * n + $0] < 0 ? -1.0 : 1.0 }
        info = LAPACKE_dorgqr(LAPACK_ROW_MAJOR, Int32(m), Int32(n), Int32(n), p, Int32(n), &tau)
        precondition(info == 0, "qrOrthonormalColumns: LAPACKE_dorgqr failed with info \(info)")
        for i in 0..<m { for j in 0..<n { p[i * n + j] *= diagonalSigns[j] } }
        return a.converted(to: dtype)
    }
}
