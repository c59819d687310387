import CBLAS
import Foundation

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
        let start = Gemm.timing.isEnabled ? MonotonicClock.seconds() : 0
        defer { if Gemm.timing.isEnabled { Gemm.timing.add(flop: 2 * Double(m) * Double(n) * Double(k), since: start) } }
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

    /// Time and work spent inside GEMM calls, for the benchmarks' "GEMM rate
    /// of a training step" (off unless enabled: one branch per call).
    public static let timing = Timing()

    /// Accumulated GEMM seconds and floating-point operations since the last reset.
    public final class Timing: @unchecked Sendable {
        private let lock = NSLock()
        private var seconds = 0.0, operations = 0.0
        /// Whether GEMM calls are timed.
        public var isEnabled = false

        /// The seconds and floating-point operations (2·m·n·k per call) accumulated so far.
        public var totals: (seconds: Double, flop: Double) {
            lock.lock(); defer { lock.unlock() }
            return (seconds, operations)
        }

        /// Sets the totals back to zero.
        public func reset() {
            lock.lock(); seconds = 0; operations = 0; lock.unlock()
        }

        func add(flop: Double, since start: Double) {
            let elapsed = MonotonicClock.seconds() - start
            lock.lock(); seconds += elapsed; operations += flop; lock.unlock()
        }
    }
}
