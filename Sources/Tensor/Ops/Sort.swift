/// Sorting and top-k along an axis. The order is computed on the values
/// (any dtype) as int32 indices; the values are then `gather`ed with those
/// indices, which is where their gradient comes from. Indices carry none.
extension Tensor {
    /// Sorts along `axis` (ascending, or descending): values[…, r, …] =
    /// x[…, indices[…, r, …], …] (`torch.sort(stable: true)`). Stable: equal
    /// values keep their index order; NaN sorts as the largest value.
    public func sorted(axis: Int = -1, descending: Bool = false) -> (values: Tensor, indices: Tensor) {
        let a = self.axis(axis, op: "sort")
        let indices = orderIndices(axis: a, k: shape[a], descending: descending, op: "sort")
        return (gather(axis: a, indices: indices), indices)
    }

    /// The `k` largest (or smallest) elements along `axis`, best first:
    /// values = x.gather(axis, indices) with indices int32 of extent k on
    /// `axis` (`torch.topk(sorted: true)`). Ties keep index order. For k ≤ n/8
    /// selection keeps a heap, O(n log k) per line (top-20 of 3862 classes);
    /// larger k radix-sorts the line. Lines run in parallel.
    public func topK(_ k: Int, axis: Int = -1, largest: Bool = true) -> (values: Tensor, indices: Tensor) {
        let a = self.axis(axis, op: "topK")
        precondition(k >= 0 && k <= shape[a], "topK: k = \(k) out of range for \(shape[a]) elements on axis \(a) of shape \(shape)")
        let indices = orderIndices(axis: a, k: k, descending: largest, op: "topK")
        return (gather(axis: a, indices: indices), indices)
    }

    /// The positions of the first `k` elements in sorted order along axis `a`, int32.
    func orderIndices(axis a: Int, k: Int, descending: Bool, op: String) -> Tensor {
        let n = shape[a]
        precondition(n <= Int(Int32.max), "\(op): axis \(a) of shape \(shape) is too long for int32 indices")
        let outer = shape[..<a].reduce(1, *), inner = shape[(a + 1)...].reduce(1, *)
        var outShape = shape
        outShape[a] = k
        let out = Tensor(uninitializedShape: outShape, dtype: .int32)
        guard out.count > 0 else { return out }
        let po = out.pointer(Int32.self)
        func run<T: SortableElement>(_: T.Type) {
            SelectKernel.run(UnsafePointer(pointer(T.self)), po, outer: outer, n: n, inner: inner, k: k, descending: descending)
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

// MARK: - Kernel

/// An element with an unsigned integer key of the same order, so sorting
/// compares integers: a < b ⇔ key(a) < key(b). NaN keys are the largest,
/// and −0 and +0 share a key (they compare equal, so their index decides).
protocol SortableElement: TensorElement {
    associatedtype SortKey: FixedWidthInteger & UnsignedInteger
    var sortKey: SortKey { get }
}

extension Float: SortableElement {
    @inline(__always) var sortKey: UInt32 {
        if isNaN { return .max }
        let b = (self == 0 ? 0 : self).bitPattern
        return b & 0x8000_0000 != 0 ? ~b : b | 0x8000_0000
    }
}

extension Double: SortableElement {
    @inline(__always) var sortKey: UInt64 {
        if isNaN { return .max }
        let b = (self == 0 ? 0 : self).bitPattern
        return b & 0x8000_0000_0000_0000 != 0 ? ~b : b | 0x8000_0000_0000_0000
    }
}

extension Int32: SortableElement {
    @inline(__always) var sortKey: UInt32 { UInt32(bitPattern: self) ^ 0x8000_0000 }
}

extension UInt8: SortableElement {
    @inline(__always) var sortKey: UInt32 { UInt32(self) }
}

/// Per line of x viewed as [outer, n, inner]: the indices of the first k
/// elements in ascending (or descending) order, ties broken by index so the
/// result is stable. Values become integer keys first (complemented when
/// descending). k ≪ n keeps a heap of the k best seen (O(n log k));
/// otherwise the line is radix sorted (stable, so equal keys keep index order).
enum SelectKernel {
    static func run<T: SortableElement>(_ x: UnsafePointer<T>, _ out: UnsafeMutablePointer<Int32>,
                                        outer: Int, n: Int, inner: Int, k: Int, descending: Bool) {
        typealias K = T.SortKey
        let useHeap = k * 8 <= n
        Parallel.forEachChunk(outer * inner, costPerItem: n) { lines in
            let scratch = useHeap ? 0 : n
            let keys = UnsafeMutablePointer<K>.allocate(capacity: n), keys2 = UnsafeMutablePointer<K>.allocate(capacity: scratch)
            let order = UnsafeMutablePointer<Int32>.allocate(capacity: useHeap ? k : n)
            let order2 = UnsafeMutablePointer<Int32>.allocate(capacity: scratch)
            let counts = UnsafeMutablePointer<Int>.allocate(capacity: 256)
            defer { keys.deallocate(); keys2.deallocate(); order.deallocate(); order2.deallocate(); counts.deallocate() }
            for line in lines {
                let o = line / inner, i = line % inner
                let base = x + (o * n * inner + i), dst = out + (o * k * inner + i)
                if descending { for r in 0..<n { keys[r] = ~base[r * inner].sortKey } }
                else { for r in 0..<n { keys[r] = base[r * inner].sortKey } }
                if useHeap {
                    selectWithHeap(keys, n: n, k: k, heap: order)
                    for r in 0..<k { dst[r * inner] = order[r] }
                } else {
                    for r in 0..<n { order[r] = Int32(truncatingIfNeeded: r) }
                    let sorted = radixSort(keys, order, n: n, keys2, order2, counts)
                    for r in 0..<k { dst[r * inner] = sorted[r] }
                }
            }
        }
    }

    /// Stable LSD radix sort of `keys`, 8 bits a pass, carrying `order`
    /// along; passes where every key has the same byte are skipped. Returns
    /// the buffer (`order` or `order2`) that holds the sorted positions.
    private static func radixSort<K: FixedWidthInteger & UnsignedInteger>(
        _ keys: UnsafeMutablePointer<K>, _ order: UnsafeMutablePointer<Int32>, n: Int,
        _ keys2: UnsafeMutablePointer<K>, _ order2: UnsafeMutablePointer<Int32>, _ counts: UnsafeMutablePointer<Int>
    ) -> UnsafeMutablePointer<Int32> {
        var (sk, so, dk, dn) = (keys, order, keys2, order2)
        for pass in 0..<(K.bitWidth / 8) {
            let shift = K(truncatingIfNeeded: pass * 8)
            counts.update(repeating: 0, count: 256)
            for r in 0..<n { counts[Int(truncatingIfNeeded: sk[r] >> shift) & 255] += 1 }
            if counts[Int(truncatingIfNeeded: sk[0] >> shift) & 255] == n { continue }
            var sum = 0
            for b in 0..<256 { let c = counts[b]; counts[b] = sum; sum += c }
            for r in 0..<n {
                let b = Int(truncatingIfNeeded: sk[r] >> shift) & 255
                let p = counts[b]
                counts[b] = p + 1
                dk[p] = sk[r]
                dn[p] = so[r]
            }
            swap(&sk, &dk)
            swap(&so, &dn)
        }
        return so
    }

    /// Leaves in heap[0..<k] the positions of the k smallest (key, position)
    /// pairs of 0..<n, in order. The root holds the largest of those chosen,
    /// to be replaced by any later position with a smaller key.
    @inline(__always)
    private static func selectWithHeap<K: FixedWidthInteger>(_ keys: UnsafeMutablePointer<K>, n: Int, k: Int,
                                                             heap: UnsafeMutablePointer<Int32>) {
        @inline(__always) func first(_ p: Int32, _ q: Int32) -> Bool {
            let a = keys[Int(p)], b = keys[Int(q)]
            return a < b || (a == b && p < q)
        }
        guard k > 0 else { return }
        var size = 0
        for r in 0..<n {
            let c = Int32(r)
            if size < k {
                var i = size
                heap[i] = c
                size += 1
                while i > 0 {
                    let p = (i - 1) / 2
                    guard first(heap[p], heap[i]) else { break }
                    heap.swapAt(p, i)
                    i = p
                }
            } else if keys[r] < keys[Int(heap[0])] {
                // A later position with an equal key never comes first.
                heap[0] = c
                var i = 0
                while true {
                    let l = 2 * i + 1, rr = l + 1
                    var w = i
                    if l < size && first(heap[w], heap[l]) { w = l }
                    if rr < size && first(heap[w], heap[rr]) { w = rr }
                    if w == i { break }
                    heap.swapAt(w, i)
                    i = w
                }
            }
        }
        var chosen = UnsafeMutableBufferPointer(start: heap, count: k)
        chosen.sort(by: first)
    }
}

private extension UnsafeMutablePointer {
    @inline(__always)
    func swapAt(_ i: Int, _ j: Int) {
        let t = self[i]
        self[i] = self[j]
        self[j] = t
    }
}
