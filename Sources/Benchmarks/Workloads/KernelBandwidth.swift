import Foundation
import Tensor

/// K: large elementwise and reduction kernels against a plain copy of the
/// same bytes. A kernel that reads r and writes w arrays of S bytes moves
/// (r + w)·S bytes; at the copy's bandwidth that takes (r + w)·S / BW, and
/// the ratio to that ideal says how far the kernel is from memory speed.
let kernelBandwidthWorkload = Workload(id: "K", name: "kernel-bandwidth", peer: nil) { threads in
    let rows = 4096, cols = 4096, n = rows * cols          // 64 MiB of float32
    let bytes = Double(n * 4)
    var rng = RandomGenerator(seed: 1)
    let x = Tensor.normal([rows, cols], using: &rng), y = Tensor.normal([rows, cols], using: &rng)

    // The baseline: memcpy of S bytes into a reused buffer, split over the threads.
    let src = UnsafeMutableRawPointer.allocate(byteCount: n * 4, alignment: 64)
    let dst = UnsafeMutableRawPointer.allocate(byteCount: n * 4, alignment: 64)
    memset(src, 1, n * 4); memset(dst, 0, n * 4)
    defer { src.deallocate(); dst.deallocate() }
    let copyMs = Timing.medianMilliseconds {
        DispatchQueue.concurrentPerform(iterations: threads) { t in
            let lo = n * 4 * t / threads, hi = n * 4 * (t + 1) / threads
            memcpy(dst + lo, src + lo, hi - lo)
        }
    }
    let bandwidth = 2 * bytes / (copyMs / 1000)             // bytes/s, read + write

    var rowsOut: [String: [String: Double]] = [
        "copy (memcpy, reused buffer)": ["ms": copyMs, "gb_per_s": bandwidth / 1e9, "ratio_to_copy": 1]
    ]
    func measure(_ label: String, arraysMoved: Double, _ body: () -> Void) {
        let ms = Timing.medianMilliseconds(body)
        let ideal = arraysMoved * bytes / bandwidth * 1000
        rowsOut[label] = ["ms": ms, "gb_per_s": arraysMoved * bytes / (ms / 1000) / 1e9, "ratio_to_copy": ms / ideal]
    }
    measure("x + y", arraysMoved: 3) { _ = x + y }
    measure("x * 2", arraysMoved: 2) { _ = x * 2 }
    measure("relu(x)", arraysMoved: 2) { _ = relu(x) }
    measure("exp(x)", arraysMoved: 2) { _ = exp(x) }
    measure("sigmoid(x)", arraysMoved: 2) { _ = sigmoid(x) }
    let row = Tensor.normal([cols], using: &rng)
    measure("x + row vector", arraysMoved: 2) { _ = x + row }
    measure("sum(x)", arraysMoved: 1) { _ = x.sum() }
    measure("sum(x, axis 0)", arraysMoved: 1) { _ = x.sum(axis: 0) }
    measure("sum(x, axis 1)", arraysMoved: 1) { _ = x.sum(axis: 1) }
    return ProjectResult(id: "K", name: "kernel-bandwidth", projectMs: copyMs,
                         projectPeakMB: Timing.peakResidentMB(), unit: "ms", rows: rowsOut)
}
