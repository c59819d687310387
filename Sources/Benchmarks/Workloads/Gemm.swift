import CBLAS
import Tensor

/// B0: C = A·B, 2048³ sgemm through the library and through a direct
/// cblas_sgemm call on the same buffers; the machine's practical limit.
let gemmWorkload = Workload(id: "B0", name: "gemm", peer: .torch("B0", compiles: false)) { threads in
    let n = 2048
    var rng = RandomGenerator(seed: 0)
    let a = Tensor.normal([n, n], using: &rng), b = Tensor.normal([n, n], using: &rng)
    let flop = 2.0 * Double(n * n * n)

    let libraryMs = Timing.medianMilliseconds { _ = matmul(a, b) }

    var c = [Float](repeating: 0, count: n * n)
    let directMs = a.withUnsafePointer(of: Float.self) { pa in
        b.withUnsafePointer(of: Float.self) { pb in
            c.withUnsafeMutableBufferPointer { pc in
                Timing.medianMilliseconds {
                    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(n), Int32(n), Int32(n), 1,
                                pa, Int32(n), pb, Int32(n), 0, pc.baseAddress, Int32(n))
                }
            }
        }
    }
    return ProjectResult(
        id: "B0", name: "gemm", projectMs: libraryMs, projectPeakMB: Timing.peakResidentMB(), unit: "ms",
        extra: ["project_gflops": flop / libraryMs / 1e6,
                "direct_cblas_ms": directMs,
                "direct_cblas_gflops": flop / directMs / 1e6,
                "library_over_direct": libraryMs / directMs])
}
