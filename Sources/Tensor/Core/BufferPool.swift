import Foundation

/// A cache of freed large buffers, keyed by size class.
///
/// Buffers of a few megabytes come from mmap and are handed back to the
/// kernel when freed, so every new one costs a page fault per 4 KiB page
/// (measured: 64 MiB results ran 5× slower than a copy). A training step
/// allocates the same sizes every step, so keeping freed buffers for reuse
/// removes almost all of that. Small buffers go straight to malloc.
///
/// Sizes above 1 MiB are rounded up to an eighth of their power of two, so
/// buffers of nearby sizes share a class: batches whose length follows the
/// longest video (every frame kept) reuse each other's buffers instead of
/// each leaving one of its own size in the pool (B8 held 860 MB that way).
/// The rounding costs at most 12.5 % of address space, and nothing of
/// resident memory until the tail is written.
enum BufferPool {
    /// Buffers smaller than this are not pooled.
    static let minimumPooledBytes = 1 << 16
    /// Bytes kept in the pool at most (`TENSOR_POOL_MB`, default 2048).
    static let capacityBytes: Int = {
        (ProcessInfo.processInfo.environment["TENSOR_POOL_MB"].flatMap(Int.init) ?? 2048) << 20
    }()

    private static let lock = NSLock()
    nonisolated(unsafe) private static var free: [Int: [UnsafeMutableRawPointer]] = [:]
    nonisolated(unsafe) private static var cachedBytes = 0

    /// The size class of a request: whole pages up to 1 MiB, then a multiple
    /// of 1/8 of the request's power of two (always whole pages).
    @inline(__always)
    static func roundedSize(_ bytes: Int) -> Int {
        guard bytes > 1 << 20 else { return (bytes + 4095) & ~4095 }
        let granularity = 1 << (Int.bitWidth - 1 - bytes.leadingZeroBitCount - 3)
        return (bytes + granularity - 1) & ~(granularity - 1)
    }

    static func allocate(byteCount: Int) -> UnsafeMutableRawPointer {
        guard byteCount >= minimumPooledBytes else {
            return UnsafeMutableRawPointer.allocate(byteCount: max(byteCount, 1), alignment: 64)
        }
        let size = roundedSize(byteCount)
        lock.lock()
        if let p = free[size]?.popLast() {
            cachedBytes -= size
            lock.unlock()
            return p
        }
        lock.unlock()
        return UnsafeMutableRawPointer.allocate(byteCount: size, alignment: 64)
    }

    static func release(_ p: UnsafeMutableRawPointer, byteCount: Int) {
        guard byteCount >= minimumPooledBytes else { p.deallocate(); return }
        let size = roundedSize(byteCount)
        lock.lock()
        if cachedBytes + size <= capacityBytes {
            free[size, default: []].append(p)
            cachedBytes += size
            lock.unlock()
        } else {
            lock.unlock()
            p.deallocate()
        }
    }

    /// The bytes held in the pool now.
    static var cachedByteCount: Int {
        lock.lock()
        defer { lock.unlock() }
        return cachedBytes
    }

    /// Returns every cached buffer to the system.
    static func drain() {
        lock.lock()
        let all = free.values.flatMap { $0 }
        free = [:]
        cachedBytes = 0
        lock.unlock()
        for p in all { p.deallocate() }
    }
}
