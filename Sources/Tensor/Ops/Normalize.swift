import CKernels

/// Scales x to unit L2 norm along `axis` as TensorFlow's `tf.nn.l2_normalize`
/// (used by the YouTube-8M starter code): x · rsqrt(max(Σ x², ε)), so rows
/// with Σ x² < ε are scaled by 1/√ε instead of divided by ~0 (zero rows stay 0).
public func l2Normalize(_ x: Tensor, axis: Int = -1, epsilon: Double = 1e-12) -> Tensor {
    l2Normalize(x, axes: [axis], epsilon: epsilon)
}

/// ``l2Normalize(_:axis:epsilon:)`` over several axes at once (all axes when
/// empty), as `tf.nn.l2_normalize` with a list of axes.
public func l2Normalize(_ x: Tensor, axes: [Int], epsilon: Double = 1e-12) -> Tensor {
    x.requireFloat("l2Normalize")
    precondition(epsilon > 0, "l2Normalize: epsilon must be positive, got \(epsilon) (input \(x.shape))")
    let squareSum = pow(x, 2).sum(axes: axes, keepDims: true)
    return x * rsqrt(maximum(squareSum, epsilon))
}

/// Each row along the last axis normalised to mean 0 and biased variance 1,
/// (x − μ)/√(σ² + ε) — `torch.nn.functional.layer_norm` over the last axis
/// without weight and bias (NN's `LayerNorm` adds them). One fused kernel
/// per row (two-pass statistics, so a large mean does not cancel the
/// variance) instead of six tensor ops; backward
/// ∂L/∂x = r·(g − mean(g) − y·mean(g·y)) with r = 1/√(σ² + ε) and y the output.
public func layerNormalize(_ x: Tensor, epsilon: Double = 1e-5) -> Tensor {
    x.requireFloat("layerNormalize")
    precondition(x.rank >= 1, "layerNormalize: needs an axis to normalise, got input \(x.shape)")
    precondition(epsilon >= 0, "layerNormalize: epsilon must not be negative, got \(epsilon) (input \(x.shape))")
    let n = x.shape[x.rank - 1], rows = n == 0 ? 0 : x.count / n
    let y = Tensor(uninitializedShape: x.shape, dtype: x.dtype)
    let rstd = Tensor(uninitializedShape: [rows], dtype: x.dtype)
    if x.count > 0 {
        if x.dtype == .float32 {
            LayerNormKernel.forwardFloat(x.pointer(Float.self), y.pointer(Float.self), rstd.pointer(Float.self),
                                         rows: rows, n: n, epsilon: Float(epsilon))
        } else {
            LayerNormKernel.forward(x.pointer(Double.self), y.pointer(Double.self), rstd.pointer(Double.self),
                                    rows: rows, n: n, epsilon: epsilon)
        }
    }
    let y0 = y.detached()
    return Tensor.record(.layerNorm, y, [x]) { g, _ in
        let gx = Tensor(uninitializedShape: y0.shape, dtype: y0.dtype)
        guard gx.count > 0 else { return [gx] }
        if y0.dtype == .float32 {
            LayerNormKernel.backward(g.pointer(Float.self), y0.pointer(Float.self), rstd.pointer(Float.self),
                                     gx.pointer(Float.self), rows: rows, n: n)
        } else {
            LayerNormKernel.backward(g.pointer(Double.self), y0.pointer(Double.self), rstd.pointer(Double.self),
                                     gx.pointer(Double.self), rows: rows, n: n)
        }
        return [gx]
    }
}

/// The row kernels of ``layerNormalize(_:epsilon:)`` over [rows, n]: whole
/// rows go to one thread, so results do not depend on the thread count.
enum LayerNormKernel {
    /// The float32 forward through the CKernels loops of `isa` (a parameter so
    /// tests run every path), the Swift loop for `portable`.
    static func forwardFloat(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ rstd: UnsafeMutablePointer<Float>,
                             rows: Int, n: Int, epsilon: Float, isa: VectorMath.ISA = VectorMath.isa) {
        if let kernel = VectorMath.pick(isa, avx512: ck_layer_norm_rows_avx512, avx2: ck_layer_norm_rows_avx2) {
            Parallel.forEachChunk(rows, costPerItem: n * 4) { r in
                kernel(x + r.lowerBound * n, y + r.lowerBound * n, rstd + r.lowerBound, r.count, n, epsilon)
            }
        } else {
            forward(x, y, rstd, rows: rows, n: n, epsilon: epsilon)
        }
    }

    /// y = (x − μ)·r and rstd = r = 1/√(σ² + ε) per row, in Swift.
    static func forward<T: KernelFloat>(_ x: UnsafePointer<T>, _ y: UnsafeMutablePointer<T>, _ rstd: UnsafeMutablePointer<T>,
                                        rows: Int, n: Int, epsilon: T) {
        Parallel.forEachChunk(rows, costPerItem: n * 4) { r in
            for o in r {
                let xr = x + o * n, yr = y + o * n
                let mean = ReduceKernel.rowSum(xr, n) / T(n)
                for i in 0..<n { let c = xr[i] - mean; yr[i] = c * c }     // y as scratch for the squares
                let rs = 1 / (ReduceKernel.rowSum(UnsafePointer(yr), n) / T(n) + epsilon).squareRoot()
                for i in 0..<n { yr[i] = (xr[i] - mean) * rs }
                rstd[o] = rs
            }
        }
    }

    /// gx = r·(g − mean(g) − y·mean(g·y)) per row.
    static func backward<T: KernelFloat>(_ g: UnsafePointer<T>, _ y: UnsafePointer<T>, _ rstd: UnsafePointer<T>,
                                         _ gx: UnsafeMutablePointer<T>, rows: Int, n: Int) {
        Parallel.forEachChunk(rows, costPerItem: n * 4) { r in
            for o in r {
                let gr = g + o * n, yr = y + o * n, out = gx + o * n
                let meanG = ReduceKernel.rowSum(gr, n) / T(n), meanGY = ReduceKernel.dot(gr, yr, n) / T(n)
                let rs = rstd[o]
                for i in 0..<n { out[i] = rs * (gr[i] - meanG - yr[i] * meanGY) }
            }
        }
    }
}
