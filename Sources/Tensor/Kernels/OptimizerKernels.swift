import CKernels

/// The element-wise updates of NN's Adam, RMSprop and SGD over one chunk of
/// a parameter. float32 runs the CKernels loops of `isa` (a parameter so
/// tests run every path; Swift compiles for baseline x86-64, so its own
/// float32 loops stop at SSE2) and otherwise the Swift loops below, which
/// float64, the gradient-check type, always runs. Each element's update is
/// independent, so results do not depend on how the elements are chunked.
package enum OptimizerKernels {
    /// One Adam step over `r`: g += l2·w; w *= wDecay; m ← b1·m + (1−b1)·g;
    /// v ← b2·v + (1−b2)·g²; w −= stepSize·m / (√v·invC2 + eps).
    package static func adamFloat(_ r: Range<Int>, w: UnsafeMutablePointer<Float>, g: UnsafePointer<Float>,
                                  m: UnsafeMutablePointer<Float>, v: UnsafeMutablePointer<Float>,
                                  b1: Float, b2: Float, eps: Float, l2: Float, wDecay: Float, stepSize: Float, invC2: Float,
                                  isa: VectorMath.ISA = VectorMath.isa) {
        let o = r.lowerBound
        if let kernel = VectorMath.pick(isa, avx512: ck_adam_avx512, avx2: ck_adam_avx2) {
            kernel(w + o, g + o, m + o, v + o, r.count, b1, b2, eps, l2, wDecay, stepSize, invC2)
            return
        }
        // Eight lanes at a time: the update is memory-bound (7 floats move
        // per parameter), so it must run at bandwidth.
        typealias V = SIMD8<Float>
        let rw = UnsafeMutableRawPointer(w), rg = UnsafeRawPointer(g)
        let rm = UnsafeMutableRawPointer(m), rv = UnsafeMutableRawPointer(v)
        var i = r.lowerBound
        while i + 8 <= r.upperBound {
            let o = i * 4
            var wi = rw.loadUnaligned(fromByteOffset: o, as: V.self)
            let gi = rg.loadUnaligned(fromByteOffset: o, as: V.self) + l2 * wi
            wi *= wDecay
            let mi = b1 * rm.loadUnaligned(fromByteOffset: o, as: V.self) + (1 - b1) * gi
            let vi = b2 * rv.loadUnaligned(fromByteOffset: o, as: V.self) + (1 - b2) * gi * gi
            wi -= stepSize * mi / (vi.squareRoot() * invC2 + eps)
            rm.storeBytes(of: mi, toByteOffset: o, as: V.self)
            rv.storeBytes(of: vi, toByteOffset: o, as: V.self)
            rw.storeBytes(of: wi, toByteOffset: o, as: V.self)
            i += 8
        }
        while i < r.upperBound {
            let gi = g[i] + l2 * w[i]
            w[i] *= wDecay
            m[i] = b1 * m[i] + (1 - b1) * gi
            v[i] = b2 * v[i] + (1 - b2) * gi * gi
            w[i] -= stepSize * m[i] / (v[i].squareRoot() * invC2 + eps)
            i += 1
        }
    }

    /// One RMSprop step over `r` (PyTorch's form): g += wd·w; v ← αv + (1−α)g²;
    /// with `mean`, ḡ ← αḡ + (1−α)g and v − ḡ² under the root; with `b`,
    /// b ← μb + g/(√· + ε) and w −= lr·b, else w −= lr·g/(√· + ε).
    package static func rmspropFloat(_ r: Range<Int>, w: UnsafeMutablePointer<Float>, g: UnsafePointer<Float>,
                                     v: UnsafeMutablePointer<Float>, b: UnsafeMutablePointer<Float>?,
                                     mean: UnsafeMutablePointer<Float>?, lr: Float, alpha: Float, eps: Float, wd: Float,
                                     momentum: Float, isa: VectorMath.ISA = VectorMath.isa) {
        let o = r.lowerBound
        if let kernel = VectorMath.pick(isa, avx512: ck_rmsprop_avx512, avx2: ck_rmsprop_avx2) {
            kernel(w + o, g + o, v + o, b.map { $0 + o }, mean.map { $0 + o }, r.count, lr, alpha, eps, wd, momentum)
        } else {
            rmsprop(r, w: w, g: g, v: v, b: b, mean: mean, lr: lr, alpha: alpha, eps: eps, wd: wd, momentum: momentum)
        }
    }

    /// ``rmspropFloat(_:w:g:v:b:mean:lr:alpha:eps:wd:momentum:isa:)`` in Swift, for any float type.
    @inline(__always)
    package static func rmsprop<T: BinaryFloatingPoint>(_ r: Range<Int>, w: UnsafeMutablePointer<T>, g: UnsafePointer<T>,
                                                        v: UnsafeMutablePointer<T>, b: UnsafeMutablePointer<T>?,
                                                        mean: UnsafeMutablePointer<T>?, lr: T, alpha: T, eps: T, wd: T,
                                                        momentum: T) {
        for i in r {
            let gi = g[i] + wd * w[i]
            v[i] = alpha * v[i] + (1 - alpha) * gi * gi
            var variance = v[i]
            if let mean {
                mean[i] = alpha * mean[i] + (1 - alpha) * gi
                variance -= mean[i] * mean[i]
            }
            let scaled = gi / (variance.squareRoot() + eps)
            if let b {
                b[i] = momentum * b[i] + scaled
                w[i] -= lr * b[i]
            } else {
                w[i] -= lr * scaled
            }
        }
    }

    /// One SGD step over `r` (PyTorch's form): d = g + wd·w; with a momentum
    /// buffer `buf`, buf ← d on the first step (`fresh`) else μ·buf + d, and
    /// d = d + μ·buf (Nesterov) or buf; w −= lr·d.
    package static func sgdFloat(_ r: Range<Int>, w: UnsafeMutablePointer<Float>, g: UnsafePointer<Float>,
                                 buf: UnsafeMutablePointer<Float>?, lr: Float, mu: Float, wd: Float, fresh: Bool,
                                 nesterov: Bool, isa: VectorMath.ISA = VectorMath.isa) {
        let o = r.lowerBound
        if let kernel = VectorMath.pick(isa, avx512: ck_sgd_avx512, avx2: ck_sgd_avx2) {
            kernel(w + o, g + o, buf.map { $0 + o }, r.count, lr, mu, wd, fresh ? 1 : 0, nesterov ? 1 : 0)
        } else {
            sgd(r, w: w, g: g, buf: buf, lr: lr, mu: mu, wd: wd, fresh: fresh, nesterov: nesterov)
        }
    }

    /// ``sgdFloat(_:w:g:buf:lr:mu:wd:fresh:nesterov:isa:)`` in Swift, for any float type.
    @inline(__always)
    package static func sgd<T: BinaryFloatingPoint>(_ r: Range<Int>, w: UnsafeMutablePointer<T>, g: UnsafePointer<T>,
                                                    buf: UnsafeMutablePointer<T>?, lr: T, mu: T, wd: T, fresh: Bool,
                                                    nesterov: Bool) {
        for i in r {
            var d = g[i] + wd * w[i]
            if let buf {
                buf[i] = fresh ? d : mu * buf[i] + d
                d = nesterov ? d + mu * buf[i] : buf[i]
            }
            w[i] -= lr * d
        }
    }
}
