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
