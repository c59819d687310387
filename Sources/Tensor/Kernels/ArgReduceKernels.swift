/// Which extreme an arg-reduction looks for. A generic parameter rather than
/// a closure so each kernel is specialised into a plain compare.
protocol ExtremumOrder {
    /// True when `a` must replace the current best `b`: `a` is strictly
    /// better (so the first of equal values is kept) or `a` is NaN (or `b` is;
    /// callers that must keep a NaN best check `b` themselves).
    static func replaces<T: FloatingPoint>(_ a: T, _ b: T) -> Bool
}

enum Largest: ExtremumOrder {
    @inline(__always) static func replaces<T: FloatingPoint>(_ a: T, _ b: T) -> Bool { !(a <= b) }
}

enum Smallest: ExtremumOrder {
    @inline(__always) static func replaces<T: FloatingPoint>(_ a: T, _ b: T) -> Bool { !(a >= b) }
}

/// Max/min with the index of the first extreme element, over the middle
/// axis of a tensor viewed as [outer, n, inner]. NaN wins over any number
/// (as in PyTorch), and the first NaN is the one reported.
enum ArgReduceKernel {
    /// values[o, i] = extreme_r x[o, r, i]; indices[o, i] = first r attaining it.
    static func run<T: KernelFloat, O: ExtremumOrder>(_: O.Type, _ x: UnsafePointer<T>,
                                                        values: UnsafeMutablePointer<T>,
                                                        indices: UnsafeMutablePointer<Int32>,
                                                        outer: Int, n: Int, inner: Int) {
        precondition(n > 0)
        if inner == 1 {
            Parallel.forEachChunk(outer, costPerItem: n) { rows in
                for o in rows {
                    let (v, r) = row(O.self, x + o * n, n)
                    values[o] = v; indices[o] = Int32(truncatingIfNeeded: r)
                }
            }
            return
        }
        if outer >= Parallel.threads || outer * n * inner < Parallel.minimumParallelWork {
            Parallel.forEachChunk(outer, costPerItem: n * inner) { rows in
                for o in rows {
                    columns(O.self, x + o * n * inner, values + o * inner, indices + o * inner,
                            n: n, count: inner, stride: inner)
                }
            }
        } else {
            // Few outer rows: split the inner axis so every thread has work.
            for o in 0..<outer {
                let base = x + o * n * inner, v = values + o * inner, ix = indices + o * inner
                Parallel.forEachChunk(inner, costPerItem: n) { cols in
                    let c = cols.lowerBound
                    columns(O.self, base + c, v + c, ix + c, n: n, count: cols.count, stride: inner)
                }
            }
        }
    }

    /// The extreme of a contiguous row and its first index, in one pass.
    /// The branch is rarely taken on real data, so it predicts well; the
    /// first NaN ends the scan.
    @inline(__always)
    static func row<T: KernelFloat, O: ExtremumOrder>(_: O.Type, _ x: UnsafePointer<T>, _ n: Int) -> (T, Int) {
        var best = x[0], index = 0
        if best != best { return (best, 0) }
        for i in 1..<Swift.max(n, 1) {
            let v = x[i]
            if O.replaces(v, best) {
                if v != v { return (v, i) }
                best = v; index = i
            }
        }
        return (best, index)
    }

    /// dst[i] = extreme_r x[r·stride + i] with its first r, for i in 0..<count.
    /// After the first rows a column's extreme rarely changes, so the branch
    /// predicts well and the common path stores nothing.
    @inline(__always)
    static func columns<T: KernelFloat, O: ExtremumOrder>(_: O.Type, _ x: UnsafePointer<T>,
                                                            _ dst: UnsafeMutablePointer<T>,
                                                            _ idx: UnsafeMutablePointer<Int32>,
                                                            n: Int, count: Int, stride: Int) {
        for i in 0..<count { dst[i] = x[i]; idx[i] = 0 }
        for r in 1..<Swift.max(n, 1) {
            let row = x + r * stride, ri = Int32(truncatingIfNeeded: r)
            for i in 0..<count {
                let v = row[i], b = dst[i]
                if O.replaces(v, b) && b == b {       // a NaN best is kept
                    dst[i] = v; idx[i] = ri
                }
            }
        }
    }

    /// The pullback of an arg-reduction: gx[o, idx[o, i], i] = g[o, i], zero elsewhere.
    static func scatter<T: KernelFloat>(_ g: UnsafePointer<T>, _ idx: UnsafePointer<Int32>,
                                        _ gx: UnsafeMutablePointer<T>, outer: Int, n: Int, inner: Int) {
        Parallel.forEachChunk(outer, costPerItem: n * inner) { rows in
            for o in rows {
                let dst = gx + o * n * inner
                dst.update(repeating: 0, count: n * inner)
                let src = g + o * inner, ix = idx + o * inner
                for i in 0..<inner { dst[Int(ix[i]) * inner + i] = src[i] }
            }
        }
    }
}
