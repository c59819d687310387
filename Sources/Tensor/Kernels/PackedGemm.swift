import CBLAS
import CKernels

extension Gemm {
    /// A float32 right-hand operand op(B), [k, n], laid out once for many
    /// products C = A·op(B) + beta·C with different left-hand sides.
    ///
    /// A recurrence multiplies the same W_hh by a new hidden state at every
    /// step. A BLAS GEMM repacks its whole right-hand side on every call,
    /// which for a 512-unit LSTM is 4 MB per step. Packing once per
    /// sequence removes that copy. The AVX2 and AVX-512 kernels read column
    /// panels of their own width. On the portable path (``VectorMath/isa``
    /// `portable`, or a CPU without AVX2) the operand keeps op(B) row-major
    /// and the products go to OpenBLAS.
    ///
    /// The operand owns a copy: the buffer it was made from may change or go
    /// away afterwards.
    public final class PackedOperand: @unchecked Sendable {
        /// k, the rows of op(B) (the products' inner dimension).
        public let rows: Int
        /// n, the columns of op(B) (and of every product).
        public let columns: Int
        /// The kernels the products run with.
        public let isa: VectorMath.ISA
        let storage: UnsafeMutablePointer<Float>

        /// Packs op(B): `b` itself, [k, n] with row stride `ldb`, or with
        /// `transposed` Bᵀ of a row-major [n, k] `b` (a weight [out, in] used
        /// as x·Wᵀ).
        public init(_ b: UnsafePointer<Float>, ldb: Int, transposed: Bool, rows k: Int, columns n: Int,
                    isa: VectorMath.ISA = VectorMath.isa) {
            precondition(k >= 1 && n >= 1 && ldb >= (transposed ? k : n),
                         "Gemm.PackedOperand: op(B) must be at least [1, 1] with ldb ≥ its row length; got [\(k), \(n)], ldb \(ldb), transposed \(transposed)")
            rows = k
            columns = n
            self.isa = isa
            if let width = Self.panelWidth(isa) {
                let count = ck_sgemm_packed_size(k, n, width)
                storage = UnsafeMutableRawPointer.allocate(byteCount: count * 4, alignment: 64).bindMemory(to: Float.self, capacity: count)
                ck_sgemm_pack(b, ldb, transposed ? 1 : 0, k, n, width, storage)
            } else {
                storage = UnsafeMutableRawPointer.allocate(byteCount: k * n * 4, alignment: 64).bindMemory(to: Float.self, capacity: k * n)
                for p in 0..<k {
                    for j in 0..<n { storage[p * n + j] = transposed ? b[j * ldb + p] : b[p * ldb + j] }
                }
            }
        }

        deinit { storage.deallocate() }

        /// The panel width of `isa`'s kernel, or nil for the portable path.
        static func panelWidth(_ isa: VectorMath.ISA) -> Int? {
            switch isa {
            case .avx512: Int(CK_SGEMM_PANEL_AVX512)
            case .avx2: Int(CK_SGEMM_PANEL_AVX2)
            case .portable: nil
            }
        }
    }

    /// C = A·op(B) + beta·C with op(B) packed: A is row-major [m, k] with
    /// row stride `lda`, C [m, n] with `ldc`. Runs on the calling thread (a
    /// recurrence calls it from inside ``Parallel/forEachSlice(_:work:_:)``).
    /// C is not read when beta is 0.
    public static func run(m: Int, a: UnsafePointer<Float>, lda: Int, times b: PackedOperand,
                           c: UnsafeMutablePointer<Float>, ldc: Int, beta: Float = 0) {
        precondition(m >= 0 && lda >= b.rows && ldc >= b.columns,
                     "Gemm.run(times: PackedOperand): A [\(m), \(b.rows)] with lda \(lda) and C [\(m), \(b.columns)] with ldc \(ldc) do not fit")
        guard m > 0 else { return }
        let start = timing.isEnabled ? MonotonicClock.seconds() : 0
        defer { if timing.isEnabled { timing.add(flop: 2 * Double(m) * Double(b.columns) * Double(b.rows), since: start) } }
        switch b.isa {
        case .avx512: ck_sgemm_packed_avx512(m, b.columns, b.rows, a, lda, b.storage, c, ldc, beta)
        case .avx2: ck_sgemm_packed_avx2(m, b.columns, b.rows, a, lda, b.storage, c, ldc, beta)
        case .portable:
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(m), Int32(b.columns), Int32(b.rows), 1,
                        a, Int32(lda), b.storage, Int32(b.columns), beta, c, Int32(ldc))
        }
    }
}
