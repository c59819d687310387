import RealModule

/// Order statistics along an axis (`torch.median`, `torch.mode`). Not
/// differentiable: the results never require gradients.
extension Tensor {
    /// The lower median along `axis`: the element of rank ⌊(n − 1)/2⌋ in sorted
    /// order, as `torch.median(x, dim).values` (NumPy's `median` averages the
    /// two middle values instead). NaN when the slice holds a NaN. Any dtype.
    public func median(axis: Int, keepDims: Bool = false) -> Tensor {
        laneStatistic("median", axis: axis, keepDims: keepDims, OrderStatistics.lowerMedian)
    }

    /// The most frequent value along `axis`, the smallest of them on ties, as
    /// `torch.mode(x, dim).values`. NaNs are ignored unless the slice holds
    /// nothing else. Any dtype.
    public func mode(axis: Int, keepDims: Bool = false) -> Tensor {
        laneStatistic("mode", axis: axis, keepDims: keepDims, OrderStatistics.mode)
    }

    /// Applies `statistic(scratch, n)` to every lane along `axis` (a copy of
    /// the lane in scratch memory the statistic may reorder), for any dtype.
    private func laneStatistic(_ op: String, axis: Int, keepDims: Bool,
                               _ statistic: @escaping (UnsafeMutablePointer<Double>, Int) -> Double) -> Tensor {
        let a = self.axis(axis, op: op)
        precondition(shape[a] > 0, "\(op): axis \(axis) of shape \(shape) is empty")
        var outShape = shape
        if keepDims { outShape[a] = 1 } else { outShape.remove(at: a) }
        let out = Tensor(uninitializedShape: outShape, dtype: dtype)
        let outer = shape[..<a].reduce(1, *), n = shape[a], inner = shape[(a + 1)...].reduce(1, *)
        func run<T: TensorElement>(_: T.Type) {
            let x = pointer(T.self), y = out.pointer(T.self)
            OrderStatistics.forEachLane(outer: outer, n: n, inner: inner, x, y, statistic)
        }
        switch dtype {
        case .float32: run(Float.self)
        case .float64: run(Double.self)
        case .int32: run(Int32.self)
        case .uint8: run(UInt8.self)
        }
        return out
    }
}

/// Selection and counting on one lane copied to scratch memory. Lanes are
/// held as `Double` (exact for every dtype we have), so one specialisation
/// serves all of them.
enum OrderStatistics {
    static func forEachLane<T: TensorElement>(outer: Int, n: Int, inner: Int,
                                              _ x: UnsafePointer<T>, _ y: UnsafeMutablePointer<T>,
                                              _ statistic: (UnsafeMutablePointer<Double>, Int) -> Double) {
        Parallel.forEachChunk(outer * inner, costPerItem: n * 8) { lanes in
            let scratch = UnsafeMutablePointer<Double>.allocate(capacity: n)
            defer { scratch.deallocate() }
            for lane in lanes {
                let o = lane / inner, i = lane % inner
                let src = x + o * n * inner + i
                for r in 0..<n { scratch[r] = src[r * inner].doubleValue }
                y[lane] = T(convertingFrom: statistic(scratch, n))
            }
        }
    }

    /// The element of rank ⌊(n − 1)/2⌋ (NaN if any element is NaN).
    static func lowerMedian(_ a: UnsafeMutablePointer<Double>, _ n: Int) -> Double {
        for i in 0..<n where a[i].isNaN { return .nan }
        return select(a, n, (n - 1) / 2)
    }

    /// The most frequent value, smallest on ties; NaNs ignored unless all are NaN.
    static func mode(_ a: UnsafeMutablePointer<Double>, _ n: Int) -> Double {
        var m = 0
        for i in 0..<n where !a[i].isNaN { a[m] = a[i]; m += 1 }
        if m == 0 { return .nan }
        var lane = UnsafeMutableBufferPointer(start: a, count: m)
        lane.sort()
        var best = a[0], bestCount = 0, i = 0
        while i < m {
            var j = i + 1
            while j < m && a[j] == a[i] { j += 1 }
            if j - i > bestCount { best = a[i]; bestCount = j - i }   // strict: the smaller value keeps a tie
            i = j
        }
        return best
    }

    /// Quickselect (Hoare partition, median-of-three pivot): the k-th smallest
    /// of a[0..<n], reordering a. NaN-free input.
    static func select(_ a: UnsafeMutablePointer<Double>, _ n: Int, _ k: Int) -> Double {
        var lo = 0, hi = n - 1
        while hi > lo {
            if hi - lo < 16 {
                for i in (lo + 1)...hi {
                    let v = a[i]
                    var j = i - 1
                    while j >= lo && a[j] > v { a[j + 1] = a[j]; j -= 1 }
                    a[j + 1] = v
                }
                return a[k]
            }
            let mid = lo + (hi - lo) / 2
            if a[mid] < a[lo] { a.swapAt(mid, lo) }
            if a[hi] < a[lo] { a.swapAt(hi, lo) }
            if a[hi] < a[mid] { a.swapAt(hi, mid) }
            let pivot = a[mid]
            var i = lo, j = hi
            while i <= j {
                while a[i] < pivot { i += 1 }
                while pivot < a[j] { j -= 1 }
                if i <= j { a.swapAt(i, j); i += 1; j -= 1 }
            }
            // a[lo...j] ≤ pivot, a[i...hi] ≥ pivot, anything between equals pivot.
            if k <= j { hi = j } else if k >= i { lo = i } else { return a[k] }
        }
        return a[k]
    }
}

private extension UnsafeMutablePointer {
    @inline(__always) func swapAt(_ i: Int, _ j: Int) {
        let t = self[i]; self[i] = self[j]; self[j] = t
    }
}
