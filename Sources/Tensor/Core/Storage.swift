import Foundation

/// A contiguous, 64-byte aligned buffer of elements of one dtype.
///
/// Storage is shared between tensors (a reshape shares it); a mutation goes
/// through ``Tensor/withUnsafeMutablePointer(of:_:)`` which copies first when
/// the storage is not uniquely referenced (copy on write).
public final class TensorStorage: @unchecked Sendable {
    /// Number of elements (not bytes).
    public let count: Int
    /// The type of every element.
    public let dtype: DType
    let raw: UnsafeMutableRawPointer
    /// Made inside ``Tensor/withShapeOnlyStorage(_:)``: mapped on demand, never filled.
    let isShapeOnly: Bool
    /// A shape-only storage larger than the address space: it has no memory
    /// of its own (``unbackedPage``), so a configuration of 10⁸ experts can
    /// still be counted, and refused, instead of trapping here.
    private let isUnbacked: Bool

    /// One inaccessible page standing for every unbacked storage: reading
    /// or writing one faults at once rather than touching other memory.
    private static let unbackedPage: UnsafeMutableRawPointer = {
        let p = mmap(nil, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANON | MAP_NORESERVE, -1, 0)
        guard let p, p != MAP_FAILED else { preconditionFailure("TensorStorage: cannot map a guard page") }
        return p
    }()

    /// Allocates `count` elements; the memory is zero-filled when `zeroed`.
    /// Inside ``Tensor/withShapeOnlyStorage(_:)`` it maps zero pages on demand instead.
    init(count: Int, dtype: DType, zeroed: Bool = false) {
        precondition(count >= 0, "TensorStorage: negative element count \(count)")
        self.count = count
        self.dtype = dtype
        let bytes = max(count * dtype.byteSize, 1)
        isShapeOnly = ShapeOnlyStorage.isActive
        if isShapeOnly {
            let p = mmap(nil, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANON | MAP_NORESERVE, -1, 0)
            isUnbacked = p == nil || p == MAP_FAILED
            raw = isUnbacked ? Self.unbackedPage : p!
        } else {
            isUnbacked = false
            raw = BufferPool.allocate(byteCount: bytes)
            if zeroed { memset(raw, 0, bytes) }
        }
    }

    deinit {
        let bytes = max(count * dtype.byteSize, 1)
        if isUnbacked { return }
        if isShapeOnly { munmap(raw, bytes) } else { BufferPool.release(raw, byteCount: bytes) }
    }

    var byteCount: Int { count * dtype.byteSize }

    @inline(__always)
    func pointer<T>(_: T.Type) -> UnsafeMutablePointer<T> {
        raw.assumingMemoryBound(to: T.self)
    }

    func copy() -> TensorStorage {
        let s = TensorStorage(count: count, dtype: dtype)
        if isShapeOnly && s.isShapeOnly { return s }  // values unspecified: nothing to copy
        memcpy(s.raw, raw, byteCount)
        return s
    }
}
