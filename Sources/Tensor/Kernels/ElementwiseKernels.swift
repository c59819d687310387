/// Contiguous elementwise loops, generic over the element type and
/// specialised per dtype by the caller; large sizes split across threads.
enum ElementwiseKernel {
    /// out[i] = f(a[i])
    @inline(__always)
    static func map<T, U>(_ a: UnsafePointer<T>, _ out: UnsafeMutablePointer<U>, _ n: Int, _ f: (T) -> U) {
        Parallel.forEachChunk(n) { r in
            for i in r { out[i] = f(a[i]) }
        }
    }

    /// out[i] = f(a[i], b[i])
    @inline(__always)
    static func zip<T, U>(_ a: UnsafePointer<T>, _ b: UnsafePointer<T>, _ out: UnsafeMutablePointer<U>, _ n: Int,
                          _ f: (T, T) -> U) {
        Parallel.forEachChunk(n) { r in
            for i in r { out[i] = f(a[i], b[i]) }
        }
    }

    /// out = f(a, b) with NumPy broadcasting of a (shape sa) and b (shape sb)
    /// into an output of shape `outShape`.
    @inline(__always)
    static func broadcast<T, U>(_ a: UnsafePointer<T>, _ sa: [Int], _ b: UnsafePointer<T>, _ sb: [Int],
                                _ out: UnsafeMutablePointer<U>, _ outShape: [Int], _ f: (T, T) -> U) {
        let n = outShape.reduce(1, *)
        let na = sa.reduce(1, *), nb = sb.reduce(1, *)
        if sa == sb { zip(a, b, out, n, f); return }
        if nb == 1 && na == n { let s = b[0]; map(a, out, n) { f($0, s) }; return }
        if na == 1 && nb == n { let s = a[0]; map(b, out, n) { f(s, $0) }; return }
        let plan = BroadcastRows(outShape: outShape, operandShapes: [sa, sb])
        let inner = plan.inner, ia = plan.innerStrides[0], ib = plan.innerStrides[1]
        Parallel.forEachChunk(plan.rows, costPerItem: inner) { rows in
            var offs = [0, 0]
            for r in rows {
                plan.offsets(row: r, into: &offs)
                let pa = a + offs[0], pb = b + offs[1], po = out + r * inner
                if ia == 1 && ib == 1 {
                    for i in 0..<inner { po[i] = f(pa[i], pb[i]) }
                } else if ia == 1 {
                    let s = pb[0]; for i in 0..<inner { po[i] = f(pa[i], s) }
                } else if ib == 1 {
                    let s = pa[0]; for i in 0..<inner { po[i] = f(s, pb[i]) }
                } else {
                    let v = f(pa[0], pb[0]); for i in 0..<inner { po[i] = v }
                }
            }
        }
    }
}
