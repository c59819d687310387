/// Joining tensors along an axis. Every dtype; gradients for float dtypes.
extension Tensor {
    /// The tensors joined end to end along `axis`: shapes agree outside `axis`,
    /// and y = [x₀ | x₁ | …] with extent Σ nᵢ there (`torch.cat`). The gradient
    /// of each input is its slice of the output gradient.
    public static func concat(_ tensors: [Tensor], axis: Int = 0) -> Tensor {
        precondition(!tensors.isEmpty, "concat: needs at least one tensor")
        let first = tensors[0]
        let a = first.axis(axis, op: "concat")
        for t in tensors.dropFirst() {
            precondition(t.dtype == first.dtype,
                         "concat: dtypes differ: \(first.dtype)\(first.shape) vs \(t.dtype)\(t.shape); convert one with converted(to:)")
            precondition(t.rank == first.rank && t.shape.indices.allSatisfy { $0 == a || t.shape[$0] == first.shape[$0] },
                         "concat: shapes \(first.shape) and \(t.shape) differ outside axis \(a)")
        }
        if tensors.count == 1 { return first }
        var outShape = first.shape
        outShape[a] = tensors.map { $0.shape[a] }.reduce(0, +)
        var out = Tensor(uninitializedShape: outShape, dtype: first.dtype)
        var windows: [Window] = []
        var start = 0
        for t in tensors {
            var w = Window(whole: outShape)
            w.start[a] = start
            w.extent[a] = t.shape[a]
            start += t.shape[a]
            Tensor.write(t, window: w, into: &out)
            windows.append(w)
        }
        return record(.concat, out, tensors) { g, needs in
            zip(windows, needs).map { w, need in need ? g.gatherWindow(w) : nil }
        }
    }

    /// The tensors, all of one shape, stacked along a new axis `axis` in
    /// -(rank+1)...rank: y[…, i, …] = xᵢ (`torch.stack`; unsqueeze + concat).
    public static func stack(_ tensors: [Tensor], axis: Int = 0) -> Tensor {
        precondition(!tensors.isEmpty, "stack: needs at least one tensor")
        let first = tensors[0]
        for t in tensors.dropFirst() {
            precondition(t.shape == first.shape, "stack: shapes \(first.shape) and \(t.shape) differ")
        }
        let r = first.rank
        precondition(axis >= -(r + 1) && axis <= r, "stack: axis \(axis) out of range for shape \(first.shape) (result has \(r + 1) axes)")
        let a = axis < 0 ? axis + r + 1 : axis
        return concat(tensors.map { $0.unsqueezed(axis: a) }, axis: a)
    }
}
