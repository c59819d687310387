/// Axis reordering: permute (the primitive), transpose, and squeeze /
/// unsqueeze (which are reshapes). Every dtype; gradients for float dtypes.
extension Tensor {
    /// Reorders the axes: y.shape[k] = x.shape[axes[k]], and y at index i is x at
    /// the index j with j[axes[k]] = i[k] (`torch.permute`, `numpy.transpose`).
    /// Negative axes count from the end. The gradient is the inverse permutation.
    public func permuted(_ axes: [Int]) -> Tensor {
        precondition(axes.count == rank,
                     "permute: axes \(axes) do not list the \(rank) axes of shape \(shape)")
        let perm = axes.map { a -> Int in
            let r = a < 0 ? a + rank : a
            precondition(r >= 0 && r < rank, "permute: axis \(a) in \(axes) out of range for shape \(shape)")
            return r
        }
        precondition(Set(perm).count == rank, "permute: axes \(axes) are not a permutation of the axes of shape \(shape)")
        if perm == Array(0..<rank) { return self }
        let y = permuteValues(perm)
        var inverse = [Int](repeating: 0, count: rank)
        for (k, a) in perm.enumerated() { inverse[a] = k }
        return Tensor.record(.permute, y, [self]) { g, _ in [g.permuteValues(inverse)] }
    }

    /// Swaps axes `a` and `b` (by default the last two): a permutation.
    public func transposed(_ a: Int = -2, _ b: Int = -1) -> Tensor {
        precondition(rank >= 2, "transpose: shape \(shape) has fewer than 2 axes")
        let i = axis(a, op: "transpose"), j = axis(b, op: "transpose")
        var perm = Array(0..<rank)
        perm.swapAt(i, j)
        return permuted(perm)
    }

    /// Removes axis `axis`, which must have extent 1 (a reshape).
    public func squeezed(axis: Int) -> Tensor {
        let a = self.axis(axis, op: "squeeze")
        precondition(shape[a] == 1, "squeeze: axis \(axis) of shape \(shape) has extent \(shape[a]), not 1")
        var s = shape
        s.remove(at: a)
        return reshaped(to: s)
    }

    /// Removes every axis of extent 1 (a reshape).
    public func squeezed() -> Tensor { reshaped(to: shape.filter { $0 != 1 }) }

    /// Inserts an axis of extent 1 at position `axis` of the result, in
    /// -(rank+1)...rank (a reshape): [2, 3].unsqueezed(axis: 1) is [2, 1, 3].
    public func unsqueezed(axis: Int) -> Tensor {
        let a = axis < 0 ? axis + rank + 1 : axis
        precondition(a >= 0 && a <= rank, "unsqueeze: axis \(axis) out of range for shape \(shape) (result has \(rank + 1) axes)")
        var s = shape
        s.insert(1, at: a)
        return reshaped(to: s)
    }

    /// The permuted values (not recorded). A permutation that only moves
    /// axes of extent 1 keeps the element order and shares the storage.
    func permuteValues(_ perm: [Int]) -> Tensor {
        let outShape = perm.map { shape[$0] }
        let moved = perm.filter { shape[$0] != 1 }
        if moved == moved.sorted() { return Tensor(storage: storage, shape: outShape) }
        let base = Broadcast.strides(of: shape, in: shape)
        let out = Tensor(uninitializedShape: outShape, dtype: dtype)
        if count > 0 {
            PermuteKernel.run(UnsafeRawPointer(storage.raw), strides: perm.map { base[$0] }, shape: outShape,
                              out.storage.raw, byteSize: dtype.byteSize)
        }
        return out
    }
}

// MARK: - Kernel

/// Copies a permuted view into a contiguous buffer. When the source's
/// contiguous axis stays last this is row copies (``StridedKernel/gather``);
/// otherwise it is a tiled 2-D transpose between the output's last axis and
/// the source's contiguous axis, so reads and writes both stay in cache.
enum PermuteKernel {
    static let tile = 16

    static func run(_ src: UnsafeRawPointer, strides: [Int], shape: [Int], _ dst: UnsafeMutableRawPointer, byteSize: Int) {
        let (dims, s) = Broadcast.collapse(shape, [strides])
        let st = s[0]
        guard dims.count >= 2, st.last != 1, let j = st.firstIndex(of: 1) else {
            StridedKernel.gather(src, offset: 0, strides: strides, shape: shape, dst, byteSize: byteSize)
            return
        }
        switch byteSize {
        case 1: transpose(src.assumingMemoryBound(to: UInt8.self), dims, st, j, dst.assumingMemoryBound(to: UInt8.self))
        case 4: transpose(src.assumingMemoryBound(to: UInt32.self), dims, st, j, dst.assumingMemoryBound(to: UInt32.self))
        default: transpose(src.assumingMemoryBound(to: UInt64.self), dims, st, j, dst.assumingMemoryBound(to: UInt64.self))
        }
    }

    /// dst (row-major over `dims`) = src at Σ index·strides, where axis `j`
    /// has source stride 1 and the last axis a larger one.
    private static func transpose<T>(_ src: UnsafePointer<T>, _ dims: [Int], _ strides: [Int], _ j: Int,
                                     _ dst: UnsafeMutablePointer<T>) {
        let last = dims.count - 1
        let outStrides = Broadcast.strides(of: dims, in: dims)
        let a = dims[j], b = dims[last], sb = strides[last], outJ = outStrides[j]
        let other = dims.indices.filter { $0 != j && $0 != last }
        let otherDims = other.map { dims[$0] }, otherSrc = other.map { strides[$0] }, otherOut = other.map { outStrides[$0] }
        let others = otherDims.reduce(1, *)
        let t = tile, tilesA = (a + t - 1) / t
        Parallel.forEachChunk(others * tilesA, costPerItem: t * b) { items in
            for item in items {
                var rem = item / tilesA, srcBase = 0, outBase = 0
                for k in stride(from: otherDims.count - 1, through: 0, by: -1) {
                    let idx = rem % otherDims[k]
                    rem /= otherDims[k]
                    srcBase += idx * otherSrc[k]
                    outBase += idx * otherOut[k]
                }
                let a0 = (item % tilesA) * t, a1 = Swift.min(a, a0 + t)
                var b0 = 0
                while b0 < b {
                    let b1 = Swift.min(b, b0 + t)
                    for i in a0..<a1 {
                        let po = dst + (outBase + i * outJ), ps = src + (srcBase + i)
                        for k in b0..<b1 { po[k] = ps[k * sb] }
                    }
                    b0 = b1
                }
            }
        }
    }
}
