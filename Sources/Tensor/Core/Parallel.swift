import CBLAS
import Dispatch
import Foundation

/// The one thread budget shared by OpenBLAS and the library's own kernels,
/// so the two never oversubscribe the cores.
public enum Parallel {
    nonisolated(unsafe) private static var _threads: Int = {
        let env = ProcessInfo.processInfo.environment
        let n = env["TENSOR_NUM_THREADS"].flatMap(Int.init) ?? ProcessInfo.processInfo.activeProcessorCount
        openblas_set_num_threads(Int32(max(1, n)))
        return max(1, n)
    }()

    /// Threads used by GEMM and by large elementwise and reduction kernels.
    /// Defaults to the active processor count, or `TENSOR_NUM_THREADS`.
    public static var threads: Int {
        get { _threads }
        set {
            _threads = max(1, newValue)
            openblas_set_num_threads(Int32(_threads))
        }
    }

    /// Below this many elements of work a kernel runs on the calling thread.
    public static let minimumParallelWork = 1 << 15

    /// Runs `body` on contiguous slices of `0..<count`, one per thread, with
    /// OpenBLAS single-threaded meanwhile so GEMMs inside the slices do not
    /// fight over its thread pool (the one thread budget). For loops whose
    /// rows never interact and that call ``Gemm`` on their own rows, such as
    /// a recurrence over a batch: no synchronisation per step, where
    /// OpenBLAS's threading of a small GEMM costs two hand-offs per call.
    /// Runs on the calling thread when `work` (in element operations) is
    /// below ``minimumParallelWork``.
    public static func forEachSlice(_ count: Int, work: Int, _ body: (Range<Int>) -> Void) {
        let slices = min(threads, count)
        guard slices > 1, work >= minimumParallelWork else { if count > 0 { body(0..<count) }; return }
        openblas_set_num_threads(1)
        defer { openblas_set_num_threads(Int32(threads)) }
        withoutActuallyEscaping(body) { body in
            DispatchQueue.concurrentPerform(iterations: slices) { c in
                let lo = count * c / slices, hi = count * (c + 1) / slices
                if lo < hi { body(lo..<hi) }
            }
        }
    }

    /// Splits `0..<count` into contiguous chunks and runs `body` on each, on
    /// up to ``threads`` threads when `count × costPerItem` is large enough.
    /// Always inlined: the chunk closure must be compiled with the caller's
    /// element function inlined into its loop (an opaque call per element
    /// made memory-bound kernels 4× slower on two threads).
    @inlinable @inline(__always)
    public static func forEachChunk(_ count: Int, costPerItem: Int = 1, _ body: (Range<Int>) -> Void) {
        let work = count * max(costPerItem, 1)
        let chunks = min(threads, count)
        if chunks <= 1 || work < minimumParallelWork {
            if count > 0 { body(0..<count) }
            return
        }
        withoutActuallyEscaping(body) { body in
            DispatchQueue.concurrentPerform(iterations: chunks) { c in
                let lo = count * c / chunks, hi = count * (c + 1) / chunks
                if lo < hi { body(lo..<hi) }
            }
        }
    }
}
