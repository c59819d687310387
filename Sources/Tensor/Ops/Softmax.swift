import CKernels
import RealModule

/// Softmax along `axis`, max-shifted so any logits are safe:
/// yᵢ = exp(xᵢ − m) / Σⱼ exp(xⱼ − m), m = maxⱼ xⱼ (as `torch.softmax(x, dim)`).
/// Fused forward and backward kernels: ∂L/∂x = y ⊙ (g − Σⱼ gⱼyⱼ).
public func softmax(_ x: Tensor, axis: Int = -1) -> Tensor { x.softmaxFamily(axis: axis, log: false) }

/// Log-softmax along `axis`, computed as xᵢ − m − log Σⱼ exp(xⱼ − m), m = maxⱼ xⱼ
/// (as `torch.log_softmax(x, dim)`). Fused backward: ∂L/∂x = g − softmax(x) · Σⱼ gⱼ.
public func logSoftmax(_ x: Tensor, axis: Int = -1) -> Tensor { x.softmaxFamily(axis: axis, log: true) }

extension Tensor {
    fileprivate func softmaxFamily(axis: Int, log: Bool) -> Tensor {
        let op: DifferentiableOp = log ? .logSoftmax : .softmax
        requireFloat(op.rawValue)
        let a = self.axis(axis, op: op.rawValue)
        let outer = shape[..<a].reduce(1, *), n = shape[a], inner = shape[(a + 1)...].reduce(1, *)
        let y = Tensor(uninitializedShape: shape, dtype: dtype)
        if count > 0 {
            if dtype == .float32 {
                SoftmaxKernel.forwardFloat(pointer(Float.self), y.pointer(Float.self), outer: outer, n: n, inner: inner, log: log)
            } else {
                SoftmaxKernel.forward(pointer(Double.self), y.pointer(Double.self), outer: outer, n: n, inner: inner, log: log)
            }
        }
        let y0 = y.detached()
        return Tensor.record(op, y, [self]) { g, _ in
            let gx = Tensor(uninitializedShape: y0.shape, dtype: y0.dtype)
            guard gx.count > 0 else { return [gx] }
            if y0.dtype == .float32 {
                SoftmaxKernel.backward(g.pointer(Float.self), y0.pointer(Float.self), gx.pointer(Float.self),
                                       outer: outer, n: n, inner: inner, log: log)
            } else {
                SoftmaxKernel.backward(g.pointer(Double.self), y0.pointer(Double.self), gx.pointer(Double.self),
                                       outer: outer, n: n, inner: inner, log: log)
            }
            return [gx]
        }
    }
}

/// Softmax and log-softmax over the middle axis of [outer, n, inner]:
/// contiguous rows when the axis is last, column blocks (one pass per row of
/// the block, scratch of one value per column) otherwise.
enum SoftmaxKernel {
    /// The float32 forward: contiguous rows (the axis last) through the
    /// CKernels loops of `isa` (a parameter so tests run every path), the
    /// Swift kernel otherwise. Whole rows go to one thread, so the result
    /// does not depend on the thread count.
    static func forwardFloat(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>,
                             outer: Int, n: Int, inner: Int, log: Bool, isa: VectorMath.ISA = VectorMath.isa) {
        if inner == 1, let rows = VectorMath.pick(isa, avx512: ck_softmax_rows_avx512, avx2: ck_softmax_rows_avx2) {
            Parallel.forEachChunk(outer, costPerItem: n * 8) { r in
                rows(x + r.lowerBound * n, y + r.lowerBound * n, r.count, n, log ? 1 : 0)
            }
        } else {
            forward(x, y, outer: outer, n: n, inner: inner, log: log)
        }
    }

    static func forward<T: KernelFloat>(_ x: UnsafePointer<T>, _ y: UnsafeMutablePointer<T>,
                                        outer: Int, n: Int, inner: Int, log: Bool) {
        if inner == 1 {
            Parallel.forEachChunk(outer, costPerItem: n * 8) { rows in
                for o in rows {
                    if log { logSoftmaxRow(x + o * n, y + o * n, n) } else { softmaxRow(x + o * n, y + o * n, n) }
                }
            }
        } else {
            columnBlocks(outer: outer, n: n, inner: inner) { offset, count in
                forwardColumns(x + offset, y + offset, n: n, count: count, stride: inner, log: log)
            }
        }
    }

    static func backward<T: KernelFloat>(_ g: UnsafePointer<T>, _ y: UnsafePointer<T>, _ gx: UnsafeMutablePointer<T>,
                                         outer: Int, n: Int, inner: Int, log: Bool) {
        if inner == 1 {
            Parallel.forEachChunk(outer, costPerItem: n * (log ? 8 : 2)) { rows in
                for o in rows {
                    let gr = g + o * n, yr = y + o * n, out = gx + o * n
                    if log {
                        // g − exp(y) · Σg
                        let s = ReduceKernel.rowSum(gr, n)
                        for i in 0..<n { out[i] = gr[i] - exp(yr[i]) * s }
                    } else {
                        // y ⊙ (g − Σ g·y)
                        let d = ReduceKernel.dot(gr, yr, n)
                        for i in 0..<n { out[i] = yr[i] * (gr[i] - d) }
                    }
                }
            }
        } else {
            columnBlocks(outer: outer, n: n, inner: inner) { offset, count in
                backwardColumns(g + offset, y + offset, gx + offset, n: n, count: count, stride: inner, log: log)
            }
        }
    }

    /// Splits [outer, ·, inner] into (outer row, column range) blocks, with the
    /// columns split when there are fewer outer rows than threads.
    @inline(__always)
    static func columnBlocks(outer: Int, n: Int, inner: Int, _ body: (_ offset: Int, _ count: Int) -> Void) {
        let split = outer >= Parallel.threads ? 1 : Swift.min(inner, (Parallel.threads + outer - 1) / outer)
        Parallel.forEachChunk(outer * split, costPerItem: n * inner / split * 4) { items in
            for item in items {
                let o = item / split, s = item % split
                let c0 = inner * s / split, c1 = inner * (s + 1) / split
                body(o * n * inner + c0, c1 - c0)
            }
        }
    }

    /// max of a row (NaNs skipped: softmax turns them into NaN through the sum).
    /// Four independent running maxima keep the compare chain short.
    @inline(__always)
    static func rowMax<T: KernelFloat>(_ x: UnsafePointer<T>, _ n: Int) -> T {
        var m0 = x[0], m1 = x[0], m2 = x[0], m3 = x[0]
        var i = 0
        while i + 4 <= n {
            m0 = x[i] > m0 ? x[i] : m0
            m1 = x[i + 1] > m1 ? x[i + 1] : m1
            m2 = x[i + 2] > m2 ? x[i + 2] : m2
            m3 = x[i + 3] > m3 ? x[i + 3] : m3
            i += 4
        }
        while i < n { m0 = x[i] > m0 ? x[i] : m0; i += 1 }
        m0 = m1 > m0 ? m1 : m0
        m2 = m3 > m2 ? m3 : m2
        return m2 > m0 ? m2 : m0
    }

    /// eˣ for x ≤ 0 (shifted logits, log-probabilities): float32 through
    /// ``VectorMath/exp(_:)``, which vectorises; float64 through libm.
    @inline(__always)
    static func exp<T: KernelFloat>(_ x: T) -> T {
        if T.self == Float.self { return unsafeBitCast(VectorMath.exp(unsafeBitCast(x, to: Float.self)), to: T.self) }
        return T.exp(x)
    }

    @inline(__always)
    static func softmaxRow<T: KernelFloat>(_ x: UnsafePointer<T>, _ y: UnsafeMutablePointer<T>, _ n: Int) {
        let m = rowMax(x, n)
        for i in 0..<n { y[i] = exp(x[i] - m) }
        let inv = 1 / ReduceKernel.rowSum(UnsafePointer(y), n)
        for i in 0..<n { y[i] *= inv }
    }

    @inline(__always)
    static func logSoftmaxRow<T: KernelFloat>(_ x: UnsafePointer<T>, _ y: UnsafeMutablePointer<T>, _ n: Int) {
        let m = rowMax(x, n)
        for i in 0..<n { y[i] = exp(x[i] - m) }      // y as scratch for the terms of the sum
        let shift = m + T.log(ReduceKernel.rowSum(UnsafePointer(y), n))
        for i in 0..<n { y[i] = x[i] - shift }
    }

    static func forwardColumns<T: KernelFloat>(_ x: UnsafePointer<T>, _ y: UnsafeMutablePointer<T>,
                                               n: Int, count: Int, stride: Int, log: Bool) {
        let scratch = UnsafeMutablePointer<T>.allocate(capacity: 2 * count)
        defer { scratch.deallocate() }
        let m = scratch, s = scratch + count
        for c in 0..<count { m[c] = x[c]; s[c] = 0 }
        for r in 1..<n {
            let row = x + r * stride
            for c in 0..<count { m[c] = row[c] > m[c] ? row[c] : m[c] }
        }
        for r in 0..<n {
            let row = x + r * stride, out = y + r * stride
            if log {
                for c in 0..<count { s[c] += exp(row[c] - m[c]) }
            } else {
                for c in 0..<count { let e = exp(row[c] - m[c]); out[c] = e; s[c] += e }
            }
        }
        if log {
            for c in 0..<count { s[c] = m[c] + T.log(s[c]) }
            for r in 0..<n {
                let row = x + r * stride, out = y + r * stride
                for c in 0..<count { out[c] = row[c] - s[c] }
            }
        } else {
            for c in 0..<count { s[c] = 1 / s[c] }
            for r in 0..<n {
                let out = y + r * stride
                for c in 0..<count { out[c] *= s[c] }
            }
        }
    }

    static func backwardColumns<T: KernelFloat>(_ g: UnsafePointer<T>, _ y: UnsafePointer<T>, _ gx: UnsafeMutablePointer<T>,
                                                n: Int, count: Int, stride: Int, log: Bool) {
        let s = UnsafeMutablePointer<T>.allocate(capacity: count)
        defer { s.deallocate() }
        s.update(repeating: 0, count: count)
        for r in 0..<n {
            let gr = g + r * stride, yr = y + r * stride
            if log { for c in 0..<count { s[c] += gr[c] } } else { for c in 0..<count { s[c] += gr[c] * yr[c] } }
        }
        for r in 0..<n {
            let gr = g + r * stride, yr = y + r * stride, out = gx + r * stride
            if log {
                for c in 0..<count { out[c] = gr[c] - exp(yr[c]) * s[c] }
            } else {
                for c in 0..<count { out[c] = yr[c] * (gr[c] - s[c]) }
            }
        }
    }
}
