// Max and min over axes, argmax and argmin along one axis.
//
// Ties: the reduction picks the *first* extreme element in row-major order
// over the reduced axes, which is the element `argmax`/`argmin` report, and
// the whole gradient goes to that one element (PyTorch's `amax` splits it
// evenly between ties instead; `torch.max(dim)` picks one, as here).
// NaN propagates: a slice holding a NaN reduces to NaN, and its first NaN is
// the selected element.

/// The largest element over `axes` (all axes when empty), as `np.max(x, axis)` /
/// `torch.amax`: y = max_{axes} x; ∂y/∂x is 1 at the first maximal element and
/// 0 elsewhere (as `torch.max(x, dim)`, which sends it to one element).
/// Ties: the first maximal element in row-major order over the reduced axes
/// (the one ``Tensor/argmax(axis:keepDims:)`` reports) gets the whole gradient.
/// A NaN in a slice makes its maximum NaN.
///
/// A free function rather than a method: a method named `max` would shadow
/// `Swift.max` inside every `Tensor` extension.
public func max(_ x: Tensor, axes: [Int] = [], keepDims: Bool = false) -> Tensor {
    x.extremum(Largest.self, .max, axes, keepDims)
}

/// The largest element along one axis (see ``max(_:axes:keepDims:)``).
public func max(_ x: Tensor, axis: Int, keepDims: Bool = false) -> Tensor { max(x, axes: [axis], keepDims: keepDims) }

/// The smallest element over `axes` (all axes when empty), as `np.min(x, axis)`:
/// y = min_{axes} x; ∂y/∂x is 1 at the first minimal element, 0 elsewhere.
/// Ties and NaN as in ``max(_:axes:keepDims:)``.
public func min(_ x: Tensor, axes: [Int] = [], keepDims: Bool = false) -> Tensor {
    x.extremum(Smallest.self, .min, axes, keepDims)
}

/// The smallest element along one axis (see ``min(_:axes:keepDims:)``).
public func min(_ x: Tensor, axis: Int, keepDims: Bool = false) -> Tensor { min(x, axes: [axis], keepDims: keepDims) }

extension Tensor {
    /// The index (int32) of the first largest element along `axis`, as
    /// `np.argmax` / `torch.argmax`: i* = min{ i : x_i = max x }. Not differentiable.
    public func argmax(axis: Int, keepDims: Bool = false) -> Tensor { argExtremum(Largest.self, "argmax", axis, keepDims) }

    /// The index (int32) of the first smallest element along `axis`, as
    /// `np.argmin` / `torch.argmin`. Not differentiable.
    public func argmin(axis: Int, keepDims: Bool = false) -> Tensor { argExtremum(Smallest.self, "argmin", axis, keepDims) }

    // MARK: Implementation

    private func argExtremum<O: ExtremumOrder>(_: O.Type, _ op: String, _ axis: Int, _ keepDims: Bool) -> Tensor {
        requireFloat(op)
        let a = self.axis(axis, op: op)
        precondition(shape[a] > 0, "\(op): axis \(axis) of shape \(shape) is empty")
        let indices = extremumValues(O.self, lo: a, hi: a + 1).indices
        var outShape = shape
        if keepDims { outShape[a] = 1 } else { outShape.remove(at: a) }
        return indices.reshaped(to: outShape)
    }

    fileprivate func extremum<O: ExtremumOrder>(_: O.Type, _ op: DifferentiableOp, _ axes: [Int], _ keepDims: Bool) -> Tensor {
        requireFloat(op.rawValue)
        let ax = normalizedAxes(axes, op: op.rawValue)
        for a in ax where shape[a] == 0 {
            preconditionFailure("\(op.rawValue): cannot reduce over axis \(a), which is empty in shape \(shape)")
        }
        // Reduce each run of adjacent axes as one axis, the last run first.
        // Taking the first extreme of the later run, then the first of the
        // earlier one, selects the first extreme in row-major order overall.
        var runs: [(Int, Int)] = []
        for a in ax {
            if let last = runs.last, last.1 == a { runs[runs.count - 1].1 = a + 1 } else { runs.append((a, a + 1)) }
        }
        var current = self
        for (lo, hi) in runs.reversed() { current = current.extremumOverRun(O.self, op, lo: lo, hi: hi) }
        let outShape = keepDims ? current.shape : shape.enumerated().filter { !ax.contains($0.offset) }.map(\.element)
        return current.reshaped(to: outShape)
    }

    /// The primitive: extreme over axes lo..<hi, kept as one axis of size 1,
    /// with a pullback that scatters the gradient to the selected elements.
    private func extremumOverRun<O: ExtremumOrder>(_: O.Type, _ op: DifferentiableOp, lo: Int, hi: Int) -> Tensor {
        let (values, indices) = extremumValues(O.self, lo: lo, hi: hi)
        let outer = shape[..<lo].reduce(1, *), n = shape[lo..<hi].reduce(1, *), inner = shape[hi...].reduce(1, *)
        let inputShape = shape
        return Tensor.record(op, values, [self]) { g, _ in
            let gx = Tensor(uninitializedShape: inputShape, dtype: g.dtype)
            let ix = UnsafePointer(indices.pointer(Int32.self))
            if g.dtype == .float32 {
                ArgReduceKernel.scatter(g.pointer(Float.self), ix, gx.pointer(Float.self), outer: outer, n: n, inner: inner)
            } else {
                ArgReduceKernel.scatter(g.pointer(Double.self), ix, gx.pointer(Double.self), outer: outer, n: n, inner: inner)
            }
            return [gx]
        }
    }

    /// Extreme values and the int32 index of the first extreme element within
    /// the flattened axes lo..<hi, both with those axes set to 1 (unrecorded).
    func extremumValues<O: ExtremumOrder>(_: O.Type, lo: Int, hi: Int) -> (values: Tensor, indices: Tensor) {
        let outer = shape[..<lo].reduce(1, *), n = shape[lo..<hi].reduce(1, *), inner = shape[hi...].reduce(1, *)
        precondition(n <= Int(Int32.max), "arg-reduction: \(n) elements along the reduced axes of \(shape) exceed int32 indices")
        var kept = shape
        for a in lo..<hi { kept[a] = 1 }
        let values = Tensor(uninitializedShape: kept, dtype: dtype)
        let indices = Tensor(uninitializedShape: kept, dtype: .int32)
        let pi = indices.pointer(Int32.self)
        if dtype == .float32 {
            ArgReduceKernel.run(O.self, pointer(Float.self), values: values.pointer(Float.self), indices: pi,
                                outer: outer, n: n, inner: inner)
        } else {
            ArgReduceKernel.run(O.self, pointer(Double.self), values: values.pointer(Double.self), indices: pi,
                                outer: outer, n: n, inner: inner)
        }
        return (values, indices)
    }
}
