/// Selection by integer indices and by masks. Forward copies work for every
/// dtype (by byte width); gradients flow for float dtypes, and add up where
/// an element was selected more than once.
extension Tensor {
    /// The slices at `indices` along `axis`, in that order, repeats allowed:
    /// y[…, j, …] = x[…, indices[j], …] (`torch.index_select`). `indices` is a
    /// 1-D int32 tensor. The gradient adds each slice's gradient back at its
    /// index (index-add), so repeated indices accumulate.
    public func indexSelect(axis: Int, indices: Tensor) -> Tensor {
        precondition(indices.dtype == .int32 && indices.rank == 1,
                     "indexSelect: indices must be a 1-D int32 tensor, got \(indices.dtype)\(indices.shape)")
        return indexSelect(axis: axis, indices: indices.scalars(as: Int32.self).map(Int.init))
    }

    /// ``indexSelect(axis:indices:)`` with the indices as an array.
    public func indexSelect(axis: Int, indices: [Int]) -> Tensor {
        let a = self.axis(axis, op: "indexSelect")
        let n = shape[a]
        for i in indices where i < 0 || i >= n {
            preconditionFailure("indexSelect: index \(i) out of range for axis \(a) of shape \(shape)")
        }
        let outer = shape[..<a].reduce(1, *), inner = shape[(a + 1)...].reduce(1, *), m = indices.count
        var outShape = shape
        outShape[a] = m
        let out = Tensor(uninitializedShape: outShape, dtype: dtype)
        func copy<E>(_: E.Type) {
            let src = storage.pointer(E.self), dst = out.storage.pointer(E.self)
            indices.withUnsafeBufferPointer { idx in
                Parallel.forEachChunk(outer * m, costPerItem: inner) { rows in
                    for r in rows {
                        let o = r / m, j = r % m
                        (dst + r * inner).update(from: src + (o * n + idx[j]) * inner, count: inner)
                    }
                }
            }
        }
        if out.count > 0 { dispatchByteWidth(dtype, copy(UInt8.self), copy(UInt32.self), copy(UInt64.self)) }
        let original = shape
        return Tensor.record(.indexSelect, out, [self]) { g, _ in
            let gx = Tensor.zeros(original, dtype: g.dtype)
            func add<T: KernelFloat>(_: T.Type) {
                let pg = g.pointer(T.self), px = gx.pointer(T.self)
                indices.withUnsafeBufferPointer { idx in
                    forEachDisjointBlock(outer: outer, inner: inner, work: g.count) { os, cols in
                        for o in os {
                            for j in 0..<m {
                                let d = px + ((o * n + idx[j]) * inner + cols.lowerBound)
                                let s = pg + ((o * m + j) * inner + cols.lowerBound)
                                for i in 0..<cols.count { d[i] += s[i] }
                            }
                        }
                    }
                }
            }
            if g.count > 0 { if g.dtype == .float32 { add(Float.self) } else { add(Double.self) } }
            return [gx]
        }
    }

    /// Picks along `axis` with an index tensor of the same rank (`torch.gather`):
    /// y[i][j][k] = x[i][indices[i][j][k]][k] for axis 1, and likewise for any
    /// axis. y has the shape of `indices` (int32), whose extents may be smaller
    /// than x's on the other axes. The gradient scatter-adds:
    /// gx[i][indices[i][j][k]][k] += g[i][j][k], so repeated indices accumulate.
    public func gather(axis: Int, indices: Tensor) -> Tensor {
        let a = self.axis(axis, op: "gather")
        precondition(indices.dtype == .int32, "gather: indices must be int32, got \(indices.dtype)\(indices.shape)")
        precondition(indices.rank == rank && (0..<rank).allSatisfy { $0 == a || indices.shape[$0] <= shape[$0] },
                     "gather: indices of shape \(indices.shape) do not fit shape \(shape) outside axis \(a)")
        let n = shape[a]
        let idx = indices.pointer(Int32.self)
        for e in 0..<indices.count where idx[e] < 0 || Int(idx[e]) >= n {
            preconditionFailure("gather: index \(idx[e]) out of range for axis \(a) of shape \(shape)")
        }
        let plan = GatherPlan(source: shape, index: indices.shape, axis: a)
        let out = Tensor(uninitializedShape: indices.shape, dtype: dtype)
        func copy<E>(_: E.Type) {
            let src = storage.pointer(E.self), dst = out.storage.pointer(E.self)
            plan.forEachRow { row, base in
                let d = dst + row * plan.inner, ix = idx + row * plan.inner
                for i in 0..<plan.inner { d[i] = src[base + Int(ix[i]) * plan.axisStride + plan.innerOffsets[i]] }
            }
        }
        if out.count > 0 { dispatchByteWidth(dtype, copy(UInt8.self), copy(UInt32.self), copy(UInt64.self)) }
        let original = shape, index = indices.detached()
        return Tensor.record(.gather, out, [self]) { g, _ in
            let gx = Tensor.zeros(original, dtype: g.dtype)
            func add<T: KernelFloat>(_: T.Type) {
                let pg = g.pointer(T.self), px = gx.pointer(T.self), ix = index.pointer(Int32.self)
                // Different outer rows (or inner columns) never meet in gx.
                forEachDisjointBlock(outer: plan.outer, inner: plan.inner, work: g.count) { os, cols in
                    for o in os {
                        for j in 0..<plan.m {
                            let row = o * plan.m + j, base = plan.outerOffsets[o]
                            for i in cols {
                                px[base + Int(ix[row * plan.inner + i]) * plan.axisStride + plan.innerOffsets[i]] += pg[row * plan.inner + i]
                            }
                        }
                    }
                }
            }
            if g.count > 0 { if g.dtype == .float32 { add(Float.self) } else { add(Double.self) } }
            return [gx]
        }
    }

    /// The elements of x where `mask` (uint8, broadcastable to x's shape) is
    /// non-zero, as a 1-D tensor in row-major order (`torch.masked_select`).
    /// The gradient puts each element's gradient back at its place, zeros elsewhere.
    public func maskedSelect(_ mask: Tensor) -> Tensor {
        precondition(mask.dtype == .uint8, "maskedSelect: mask must be uint8, got \(mask.dtype)\(mask.shape)")
        precondition(Broadcast.shape([mask.shape, shape], op: "maskedSelect") == shape,
                     "maskedSelect: mask of shape \(mask.shape) does not broadcast to shape \(shape)")
        let m = mask.broadcastValues(to: shape)
        let pm = m.pointer(UInt8.self)
        var positions: [Int] = []
        for i in 0..<count where pm[i] != 0 { positions.append(i) }
        let out = Tensor(uninitializedShape: [positions.count], dtype: dtype)
        func copy<E>(_: E.Type) {
            let src = storage.pointer(E.self), dst = out.storage.pointer(E.self)
            positions.withUnsafeBufferPointer { p in
                Parallel.forEachChunk(p.count) { r in for k in r { dst[k] = src[p[k]] } }
            }
        }
        dispatchByteWidth(dtype, copy(UInt8.self), copy(UInt32.self), copy(UInt64.self))
        let original = shape
        return Tensor.record(.maskedSelect, out, [self]) { g, _ in
            let gx = Tensor.zeros(original, dtype: g.dtype)
            func put<T: KernelFloat>(_: T.Type) {
                let pg = g.pointer(T.self), px = gx.pointer(T.self)
                positions.withUnsafeBufferPointer { p in
                    Parallel.forEachChunk(p.count) { r in for k in r { px[p[k]] = pg[k] } }
                }
            }
            if g.dtype == .float32 { put(Float.self) } else { put(Double.self) }
            return [gx]
        }
    }

    /// `value` where `mask` (uint8, broadcastable to x's shape) is non-zero, x
    /// elsewhere (`torch.masked_fill`; composed from ``where(_:_:_:)``, so
    /// float dtypes only). The gradient passes where the mask is zero.
    public func maskedFill(_ mask: Tensor, value: Double) -> Tensor {
        precondition(mask.dtype == .uint8, "maskedFill: mask must be uint8, got \(mask.dtype)\(mask.shape)")
        precondition(Broadcast.shape([mask.shape, shape], op: "maskedFill") == shape,
                     "maskedFill: mask of shape \(mask.shape) does not broadcast to shape \(shape)")
        return Tensor.where(mask, scalarLike(value), self)
    }
}

// MARK: - Helpers

/// Runs the branch for the unsigned integer type of the dtype's byte width:
/// copies move bits, so one kernel serves every dtype of that width.
@inline(__always)
func dispatchByteWidth(_ dtype: DType, _ one: @autoclosure () -> Void, _ four: @autoclosure () -> Void,
                       _ eight: @autoclosure () -> Void) {
    switch dtype.byteSize {
    case 1: one()
    case 4: four()
    default: eight()
    }
}

/// Splits an [outer, ·, inner] accumulation into blocks that never write to
/// the same element: ranges of outer rows when there are enough of them for
/// every thread, else ranges of inner columns.
func forEachDisjointBlock(outer: Int, inner: Int, work: Int, _ body: (Range<Int>, Range<Int>) -> Void) {
    guard outer > 0, inner > 0 else { return }
    if outer >= Parallel.threads || inner == 1 {
        Parallel.forEachChunk(outer, costPerItem: work / outer) { body($0, 0..<inner) }
    } else {
        Parallel.forEachChunk(inner, costPerItem: work / inner) { body(0..<outer, $0) }
    }
}

/// Offsets for gather on `axis`: the index tensor viewed as [outer, m, inner]
/// maps element (o, j, i) to source offset
/// outerOffsets[o] + index·axisStride + innerOffsets[i].
struct GatherPlan {
    let outer: Int, m: Int, inner: Int
    let axisStride: Int
    let outerOffsets: [Int]
    let innerOffsets: [Int]

    init(source: [Int], index: [Int], axis a: Int) {
        let strides = Broadcast.strides(of: source, in: source)
        outer = index[..<a].reduce(1, *)
        m = index[a]
        inner = index[(a + 1)...].reduce(1, *)
        axisStride = strides[a]
        func offsets(_ dims: ArraySlice<Int>, _ st: ArraySlice<Int>, _ count: Int) -> [Int] {
            let dims = Array(dims), st = Array(st)
            return (0..<count).map { flat in
                var rem = flat, off = 0
                for k in stride(from: dims.count - 1, through: 0, by: -1) {
                    off += (rem % dims[k]) * st[k]
                    rem /= dims[k]
                }
                return off
            }
        }
        outerOffsets = offsets(index[..<a], strides[..<a], outer)
        innerOffsets = offsets(index[(a + 1)...], strides[(a + 1)...], inner)
    }

    /// Calls `body(row, outerOffset)` for each row (o, j) of the index, in parallel when large.
    func forEachRow(_ body: (Int, Int) -> Void) {
        Parallel.forEachChunk(outer * m, costPerItem: inner) { rows in
            for r in rows { body(r, outerOffsets[r / m]) }
        }
    }
}
