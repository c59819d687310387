/// The patch layout of a 1-D convolution over time on channels-last input
/// [batch, time, channels]: row b·timeOut + t of the columns holds, at
/// c·width + k, the input x[b, t·stride − padding + k·dilation, c] (zero
/// outside [0, time)), so that a weight [outChannels, channels, width]
/// flattened to [outChannels, channels·width] multiplies it directly.
struct Conv1dGeometry: Equatable {
    let batch, time, channels, width, stride, padding, dilation: Int

    var timeOut: Int { (time + 2 * padding - dilation * (width - 1) - 1) / stride + 1 }
    var rowLength: Int { channels * width }

    /// The input step read by output step t at tap k (may be out of range).
    @inline(__always) func inputStep(_ t: Int, _ k: Int) -> Int { t * stride - padding + k * dilation }
}

enum Im2colKernel {
    /// cols[b·timeOut + t, c·width + k] = x[b, t·stride − padding + k·dilation, c].
    static func forward<T: KernelFloat>(_ x: UnsafePointer<T>, _ cols: UnsafeMutablePointer<T>, _ g: Conv1dGeometry) {
        let timeOut = g.timeOut, w = g.width, c = g.channels, len = g.rowLength
        Parallel.forEachChunk(g.batch * timeOut, costPerItem: len) { rows in
            for row in rows {
                let b = row / timeOut, t = row % timeOut
                let dst = cols + row * len
                for k in 0..<w {
                    let s = g.inputStep(t, k)
                    if s >= 0 && s < g.time {
                        let src = x + (b * g.time + s) * c
                        for ch in 0..<c { dst[ch * w + k] = src[ch] }
                    } else {
                        for ch in 0..<c { dst[ch * w + k] = 0 }
                    }
                }
            }
        }
    }

    /// col2im, the adjoint: gx[b, s, c] = Σ over (t, k) reading step s of
    /// gcols[b·timeOut + t, c·width + k]. Work is split by batch and channel
    /// ranges, so every thread owns the part of gx it writes.
    static func backward<T: KernelFloat>(_ gcols: UnsafePointer<T>, _ gx: UnsafeMutablePointer<T>, _ g: Conv1dGeometry) {
        let timeOut = g.timeOut, w = g.width, c = g.channels, len = g.rowLength
        let split = g.batch >= Parallel.threads ? 1 : Swift.min(c, (Parallel.threads + g.batch - 1) / g.batch)
        Parallel.forEachChunk(g.batch * split, costPerItem: timeOut * len / split) { items in
            for item in items {
                let b = item / split, part = item % split
                let c0 = c * part / split, c1 = c * (part + 1) / split
                for s in 0..<g.time {
                    let dst = gx + (b * g.time + s) * c
                    for ch in c0..<c1 { dst[ch] = 0 }
                }
                for t in 0..<timeOut {
                    let src = gcols + (b * timeOut + t) * len
                    for k in 0..<w {
                        let s = g.inputStep(t, k)
                        guard s >= 0 && s < g.time else { continue }
                        let dst = gx + (b * g.time + s) * c
                        for ch in c0..<c1 { dst[ch] += src[ch * w + k] }
                    }
                }
            }
        }
    }
}
