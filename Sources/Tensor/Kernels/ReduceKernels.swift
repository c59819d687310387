/// Reductions over the middle axis of a tensor viewed as [outer, n, inner].
/// ``dot(_:_:_:)`` is public for kernels written outside Tensor.
public enum ReduceKernel {
    /// out[o, i] = Σ_r x[o, r, i]
    static func sum<T: FloatingElement & SIMDScalar>(_ x: UnsafePointer<T>, _ out: UnsafeMutablePointer<T>,
                                                     outer: Int, n: Int, inner: Int) {
        if inner == 1 {
            Parallel.forEachChunk(outer, costPerItem: n) { rows in
                for o in rows { out[o] = rowSum(x + o * n, n) }
            }
            return
        }
        if outer >= Parallel.threads || outer * n * inner < Parallel.minimumParallelWork {
            Parallel.forEachChunk(outer, costPerItem: n * inner) { rows in
                for o in rows { columnSum(x + o * n * inner, out + o * inner, n: n, inner: inner, stride: inner) }
            }
        } else {
            // Few outer rows: split the inner axis instead so every thread has work.
            for o in 0..<outer {
                let base = x + o * n * inner, dst = out + o * inner
                Parallel.forEachChunk(inner, costPerItem: n) { cols in
                    columnSum(base + cols.lowerBound, dst + cols.lowerBound, n: n, inner: cols.count, stride: inner)
                }
            }
        }
    }

    /// Σ x[0..<n] with eight SIMD lanes of partial sums.
    @inline(__always)
    static func rowSum<T: FloatingElement & SIMDScalar>(_ x: UnsafePointer<T>, _ n: Int) -> T {
        var acc = SIMD8<T>()
        var i = 0
        let raw = UnsafeRawPointer(x)
        while i + 8 <= n {
            acc += raw.loadUnaligned(fromByteOffset: i * MemoryLayout<T>.stride, as: SIMD8<T>.self)
            i += 8
        }
        var s = acc.sum()
        while i < n { s += x[i]; i += 1 }
        return s
    }

    /// dst[i] = Σ_r x[r * stride + i] for i in 0..<inner.
    @inline(__always)
    static func columnSum<T: FloatingElement>(_ x: UnsafePointer<T>, _ dst: UnsafeMutablePointer<T>,
                                              n: Int, inner: Int, stride: Int) {
        for i in 0..<inner { dst[i] = x[i] }
        for r in 1..<max(n, 1) {
            let row = x + r * stride
            for i in 0..<inner { dst[i] += row[i] }
        }
        if n == 0 { for i in 0..<inner { dst[i] = 0 } }
    }

    /// Σ a[i]·b[i] with eight SIMD lanes of partial sums.
    @inlinable @inline(__always)
    public static func dot<T: KernelFloat>(_ a: UnsafePointer<T>, _ b: UnsafePointer<T>, _ n: Int) -> T {
        var acc = SIMD8<T>()
        var i = 0
        let ra = UnsafeRawPointer(a), rb = UnsafeRawPointer(b), step = MemoryLayout<T>.stride
        while i + 8 <= n {
            acc += ra.loadUnaligned(fromByteOffset: i * step, as: SIMD8<T>.self)
                * rb.loadUnaligned(fromByteOffset: i * step, as: SIMD8<T>.self)
            i += 8
        }
        var s = acc.sum()
        while i < n { s += a[i] * b[i]; i += 1 }
        return s
    }
}
