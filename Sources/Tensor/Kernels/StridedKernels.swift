/// Copies between a contiguous buffer and a strided view of another buffer.
/// Permute, slice, reverse (negative strides) and broadcast (zero strides)
/// are all one of these two loops.
enum StridedKernel {
    /// dst[contiguous i] = src[offset + Σ index·stride] over `shape`.
    static func gather(_ src: UnsafeRawPointer, offset: Int, strides: [Int], shape: [Int],
                       _ dst: UnsafeMutableRawPointer, byteSize: Int) {
        switch byteSize {
        case 1: gather(src.assumingMemoryBound(to: UInt8.self), offset, strides, shape, dst.assumingMemoryBound(to: UInt8.self))
        case 4: gather(src.assumingMemoryBound(to: UInt32.self), offset, strides, shape, dst.assumingMemoryBound(to: UInt32.self))
        default: gather(src.assumingMemoryBound(to: UInt64.self), offset, strides, shape, dst.assumingMemoryBound(to: UInt64.self))
        }
    }

    /// dst[offset + Σ index·stride] = src[contiguous i] over `shape`.
    static func scatter(_ src: UnsafeRawPointer, _ dst: UnsafeMutableRawPointer, offset: Int, strides: [Int],
                        shape: [Int], byteSize: Int) {
        switch byteSize {
        case 1: scatter(src.assumingMemoryBound(to: UInt8.self), dst.assumingMemoryBound(to: UInt8.self), offset, strides, shape)
        case 4: scatter(src.assumingMemoryBound(to: UInt32.self), dst.assumingMemoryBound(to: UInt32.self), offset, strides, shape)
        default: scatter(src.assumingMemoryBound(to: UInt64.self), dst.assumingMemoryBound(to: UInt64.self), offset, strides, shape)
        }
    }

    private static func plan(_ strides: [Int], _ shape: [Int]) -> BroadcastRowsView {
        BroadcastRowsView(shape: shape, strides: strides)
    }

    private static func gather<T>(_ src: UnsafePointer<T>, _ offset: Int, _ strides: [Int], _ shape: [Int],
                                  _ dst: UnsafeMutablePointer<T>) {
        let p = plan(strides, shape)
        let inner = p.inner, s = p.innerStride
        Parallel.forEachChunk(p.rows, costPerItem: inner) { rows in
            for r in rows {
                let base = src + (offset + p.offset(row: r)), out = dst + r * inner
                if s == 1 { out.update(from: base, count: inner) }
                else { for i in 0..<inner { out[i] = base[i * s] } }
            }
        }
    }

    private static func scatter<T>(_ src: UnsafePointer<T>, _ dst: UnsafeMutablePointer<T>, _ offset: Int,
                                   _ strides: [Int], _ shape: [Int]) {
        let p = plan(strides, shape)
        let inner = p.inner, s = p.innerStride
        Parallel.forEachChunk(p.rows, costPerItem: inner) { rows in
            for r in rows {
                let base = dst + (offset + p.offset(row: r)), inp = src + r * inner
                if s == 1 { base.update(from: inp, count: inner) }
                else { for i in 0..<inner { base[i * s] = inp[i] } }
            }
        }
    }
}

/// Rows of a strided view over a contiguous iteration order.
struct BroadcastRowsView {
    let inner: Int
    let innerStride: Int
    let outerDims: [Int]
    let outerStrides: [Int]
    let rows: Int

    init(shape: [Int], strides: [Int]) {
        let (dims, s) = Broadcast.collapse(shape, [strides])
        inner = dims.last!
        innerStride = s[0].last!
        outerDims = Array(dims.dropLast())
        outerStrides = Array(s[0].dropLast())
        rows = outerDims.reduce(1, *)
    }

    @inline(__always)
    func offset(row r: Int) -> Int {
        var rem = r, off = 0
        for i in stride(from: outerDims.count - 1, through: 0, by: -1) {
            off += (rem % outerDims[i]) * outerStrides[i]
            rem /= outerDims[i]
        }
        return off
    }
}
