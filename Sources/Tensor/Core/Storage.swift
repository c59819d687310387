import Foundation

/// A contiguous, 64-byte aligned buffer of elements of one dtype.
///
/// Storage is shared between tensors (a reshape shares it); a mutation goes
/// through ``Tensor/withUnsafeMutablePointer(of:_:)`` which copies first when
/// the storage is not uniquely referenced (copy on write).
public final class TensorStorage: @unchecked Sendable {
    public let count: Int
    public let dtype: DType
    let raw: UnsafeMutableRawPointer
    /// Made inside ``Tensor/withShapeOnlyStorage(_:)``: mapped on demand, never filled.
    let isShapeOnly: Bool

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
            guard let p, p != MAP_FAILED else { preconditionFailure("TensorStorage: cannot map \(bytes) bytes") }
            raw = p
        } else {
            raw = BufferPool.allocate(byteCount: bytes)
            if zeroed { memset(raw, 0, bytes) }
        }
    }

    deinit {
        let bytes = max(count * dtype.byteSize, 1)
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
