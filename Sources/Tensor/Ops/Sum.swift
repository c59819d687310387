extension Tensor {
    /// Σ over `axes` (all axes when empty), keeping them as size 1 when `keepDims`.
    public func sum(axes: [Int] = [], keepDims: Bool = false) -> Tensor {
        requireFloat("sum")
        let ax = normalizedAxes(axes, op: "sum")
        var keptShape = shape
        for a in ax { keptShape[a] = 1 }
        let y = sumValues(ax).reshaped(to: keepDims ? keptShape : keptShape.enumerated().filter { !ax.contains($0.offset) }.map(\.element))
        let original = shape
        return Tensor.record(.sum, y, [self]) { g, _ in [g.reshaped(to: keptShape).broadcast(to: original)] }
    }

    /// Σ along one axis.
    public func sum(axis: Int, keepDims: Bool = false) -> Tensor { sum(axes: [axis], keepDims: keepDims) }

    /// Mean over `axes` (all when empty).
    public func mean(axes: [Int] = [], keepDims: Bool = false) -> Tensor {
        let ax = normalizedAxes(axes, op: "mean")
        let n = ax.map { shape[$0] }.reduce(1, *)
        return sum(axes: ax, keepDims: keepDims) * (1 / Double(max(n, 1)))
    }

    /// Mean along one axis.
    public func mean(axis: Int, keepDims: Bool = false) -> Tensor { mean(axes: [axis], keepDims: keepDims) }

    /// Sorted, de-duplicated, non-negative axes; empty means all.
    func normalizedAxes(_ axes: [Int], op: String) -> [Int] {
        if axes.isEmpty { return Array(0..<rank) }
        let ax = Set(axes.map { axis($0, op: op) }).sorted()
        return ax
    }

    /// The sum over sorted axes, as a tensor of the kept shape (unrecorded).
    private func sumValues(_ axes: [Int]) -> Tensor {
        var current = detached()
        var shapeNow = shape
        // Reduce runs of adjacent axes in one pass each, last run first.
        var runs: [(Int, Int)] = []
        for a in axes {
            if let last = runs.last, last.1 == a { runs[runs.count - 1].1 = a + 1 } else { runs.append((a, a + 1)) }
        }
        for (lo, hi) in runs.reversed() {
            let outer = shapeNow[..<lo].reduce(1, *), n = shapeNow[lo..<hi].reduce(1, *), inner = shapeNow[hi...].reduce(1, *)
            let out = Tensor(uninitializedShape: [outer * inner], dtype: dtype)
            if dtype == .float32 {
                ReduceKernel.sum(current.pointer(Float.self), out.pointer(Float.self), outer: outer, n: n, inner: inner)
            } else {
                ReduceKernel.sum(current.pointer(Double.self), out.pointer(Double.self), outer: outer, n: n, inner: inner)
            }
            for a in lo..<hi { shapeNow[a] = 1 }
            current = Tensor(storage: out.storage, shape: shapeNow)
        }
        return current
    }
}
