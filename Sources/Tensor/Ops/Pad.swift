/// Constant padding. Every dtype; gradients for float dtypes.
extension Tensor {
    /// The tensor surrounded by `value`: `padding[k]` adds `before` elements in
    /// front of and `after` behind axis k, for the leading axes listed (the
    /// rest are not padded), as `numpy.pad(mode: "constant")`. The gradient is
    /// the slice of the output gradient where the input sits.
    public func padded(_ padding: [(before: Int, after: Int)], value: Double = 0) -> Tensor {
        precondition(padding.count <= rank, "pad: \(padding.count) (before, after) pairs for shape \(shape) with \(rank) axes")
        precondition(padding.allSatisfy { $0.before >= 0 && $0.after >= 0 },
                     "pad: negative padding \(padding.map { [$0.before, $0.after] }) for shape \(shape)")
        var w = Window(whole: shape)
        var outShape = shape
        for (k, p) in padding.enumerated() {
            w.start[k] = p.before
            outShape[k] += p.before + p.after
        }
        if outShape == shape { return self }
        let y = scatterWindow(w, into: outShape, fill: value)
        return Tensor.record(.pad, y, [self]) { g, _ in [g.gatherWindow(w)] }
    }

    /// The tensor with `before` and `after` elements of `value` added around `axis`.
    public func padded(axis: Int, before: Int, after: Int, value: Double = 0) -> Tensor {
        let a = self.axis(axis, op: "pad")
        var padding = [(before: Int, after: Int)](repeating: (0, 0), count: a + 1)
        padding[a] = (before, after)
        return padded(padding, value: value)
    }
}
