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

    /// Allocates `count` elements; the memory is zero-filled when `zeroed`.
    init(count: Int, dtype: DType, zeroed: Bool = false) {
        precondition(count >= 0, "TensorStorage: negative element count \(count)")
        self.count = count
        self.dtype = dtype
        let bytes = max(count * dtype.byteSize, 1)
        raw = BufferPool.allocate(byteCount: bytes)
        if zeroed { memset(raw, 0, bytes) }
    }

    deinit { BufferPool.release(raw, byteCount: max(count * dtype.byteSize, 1)) }

    var byteCount: Int { count * dtype.byteSize }

    @inline(__always)
    func pointer<T>(_: T.Type) -> UnsafeMutablePointer<T> {
        raw.assumingMemoryBound(to: T.self)
    }

    func copy() -> TensorStorage {
        let s = TensorStorage(count: count, dtype: dtype)
        memcpy(s.raw, raw, byteCount)
        return s
    }
}
