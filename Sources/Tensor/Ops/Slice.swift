/// Slicing (with steps), split and reverse. All three read a strided window
/// of the input; their gradients write the gradient back into the same
/// window of a zero tensor. Every dtype; gradients for float dtypes.
extension Tensor {
    /// Elements `range` (with `step` ≥ 1) along `axis`:
    /// y[…, i, …] = x[…, range.lowerBound + i·step, …] (Python's `x[:, a:b:step]`).
    /// Any range expression works: `2..<5`, `2...4`, `2...`, `..<3`.
    public func sliced<R: RangeExpression>(axis: Int, range: R, step: Int = 1) -> Tensor where R.Bound == Int {
        let a = self.axis(axis, op: "slice")
        var ranges = [Range<Int>?](repeating: nil, count: rank), steps = [Int](repeating: 1, count: rank)
        ranges[a] = checkedRange(range, axis: a)
        steps[a] = step
        return sliced(ranges, steps: steps)
    }

    /// The sub-block `ranges[k]` of each leading axis k (nil or a missing
    /// entry keeps the whole axis), with optional per-axis `steps` ≥ 1.
    public func sliced(_ ranges: [Range<Int>?], steps: [Int]? = nil) -> Tensor {
        precondition(ranges.count <= rank, "slice: \(ranges.count) ranges for shape \(shape) with \(rank) axes")
        precondition(steps == nil || steps!.count <= rank, "slice: \(steps!.count) steps for shape \(shape) with \(rank) axes")
        var w = Window(whole: shape)
        for k in 0..<rank {
            let r = k < ranges.count ? ranges[k].map { checkedRange($0, axis: k) } ?? 0..<shape[k] : 0..<shape[k]
            let step = steps.flatMap { k < $0.count ? $0[k] : nil } ?? 1
            precondition(step >= 1, "slice: step \(step) on axis \(k) of shape \(shape) must be ≥ 1")
            w.start[k] = r.lowerBound
            w.step[k] = step
            w.extent[k] = (r.count + step - 1) / step
        }
        if w.isWhole(of: shape) { return self }
        let y = gatherWindow(w)
        let original = shape
        return Tensor.record(.slice, y, [self]) { g, _ in [g.scatterWindow(w, into: original)] }
    }

    /// The sub-block given by one range (or nil for the whole axis) per leading
    /// axis: `x[nil, 2..<5]` is Python's `x[:, 2:5]`.
    public subscript(ranges: Range<Int>?...) -> Tensor { sliced(ranges) }

    /// Consecutive slices of `sizes[k]` elements along `axis`; the sizes must
    /// add up to the axis extent. The inverse of ``concat(_:axis:)``.
    public func split(sizes: [Int], axis: Int = 0) -> [Tensor] {
        let a = self.axis(axis, op: "split")
        precondition(sizes.allSatisfy { $0 >= 0 } && sizes.reduce(0, +) == shape[a],
                     "split: sizes \(sizes) do not add up to extent \(shape[a]) of axis \(axis) of shape \(shape)")
        var start = 0
        return sizes.map { n in
            defer { start += n }
            return sliced(axis: a, range: start..<(start + n))
        }
    }

    /// `count` equal slices along `axis`, whose extent `count` must divide.
    public func split(count: Int, axis: Int = 0) -> [Tensor] {
        let a = self.axis(axis, op: "split")
        precondition(count > 0 && shape[a] % count == 0,
                     "split: extent \(shape[a]) of axis \(axis) of shape \(shape) does not split into \(count) equal parts")
        return split(sizes: [Int](repeating: shape[a] / count, count: count), axis: a)
    }

    /// The elements in reverse order along `axis`: y[…, i, …] = x[…, n − 1 − i, …]
    /// (`torch.flip`; the backward direction of a bidirectional recurrence).
    public func reversed(axis: Int) -> Tensor {
        let a = self.axis(axis, op: "reverse")
        if shape[a] <= 1 { return self }
        var w = Window(whole: shape)
        w.start[a] = shape[a] - 1
        w.step[a] = -1
        let y = gatherWindow(w)
        return Tensor.record(.reverse, y, [self]) { g, _ in [g.gatherWindow(w)] }
    }

    /// `range` resolved against axis `k` and checked to lie inside it.
    private func checkedRange<R: RangeExpression>(_ range: R, axis k: Int) -> Range<Int> where R.Bound == Int {
        // Resolving against 0..<Int.max keeps an open upper end recognisable.
        let r = range.relative(to: 0..<Int.max)
        let upper = r.upperBound == Int.max ? shape[k] : r.upperBound
        precondition(r.lowerBound >= 0 && r.lowerBound <= upper && upper <= shape[k],
                     "slice: range \(range) out of bounds for axis \(k) of shape \(shape)")
        return r.lowerBound..<upper
    }
}

// MARK: - Strided windows

/// A strided box inside a tensor: on axis k it starts at `start[k]`, moves by
/// `step[k]` (negative to reverse) and has `extent[k]` elements.
struct Window {
    var start: [Int]
    var step: [Int]
    var extent: [Int]

    /// The whole of a tensor of `shape`.
    init(whole shape: [Int]) {
        start = [Int](repeating: 0, count: shape.count)
        step = [Int](repeating: 1, count: shape.count)
        extent = shape
    }

    func isWhole(of shape: [Int]) -> Bool {
        extent == shape && start.allSatisfy { $0 == 0 } && step.allSatisfy { $0 == 1 }
    }

    /// Element offset of the first element and element strides of the window
    /// inside a row-major tensor of `shape`.
    func layout(in shape: [Int]) -> (offset: Int, strides: [Int]) {
        let base = Broadcast.strides(of: shape, in: shape)
        var offset = 0, strides = base
        for k in shape.indices {
            offset += start[k] * base[k]
            strides[k] = step[k] * base[k]
        }
        return (offset, strides)
    }
}

extension Tensor {
    /// The window's elements as a new contiguous tensor (not recorded).
    func gatherWindow(_ w: Window) -> Tensor {
        if w.isWhole(of: shape) { return detached() }
        let out = Tensor(uninitializedShape: w.extent, dtype: dtype)
        if out.count > 0 {
            let (offset, strides) = w.layout(in: shape)
            StridedKernel.gather(UnsafeRawPointer(storage.raw), offset: offset, strides: strides, shape: w.extent,
                                 out.storage.raw, byteSize: dtype.byteSize)
        }
        return out
    }

    /// A tensor of `shape` filled with `fill`, with this tensor written into
    /// window `w` (not recorded).
    func scatterWindow(_ w: Window, into shape: [Int], fill: Double = 0) -> Tensor {
        var out = fill == 0 ? Tensor.zeros(shape, dtype: dtype) : Tensor.full(shape, value: fill, dtype: dtype)
        Tensor.write(self, window: w, into: &out)
        return out
    }

    /// Writes `src` (of shape `w.extent`) into window `w` of `dst` in place.
    static func write(_ src: Tensor, window w: Window, into dst: inout Tensor) {
        precondition(src.shape == w.extent && src.dtype == dst.dtype)
        guard src.count > 0 else { return }
        dst.makeUnique()
        let (offset, strides) = w.layout(in: dst.shape)
        StridedKernel.scatter(UnsafeRawPointer(src.storage.raw), dst.storage.raw, offset: offset, strides: strides,
                              shape: w.extent, byteSize: src.dtype.byteSize)
    }
}
