import XCTest
@testable import Tensor

/// The pool's size classes, against sizes worked out by hand.
final class BufferPoolTests: XCTestCase {
    func testSizesUpToOneMebibyteRoundToWholePages() {
        XCTAssertEqual(BufferPool.roundedSize(65_536), 65_536)
        XCTAssertEqual(BufferPool.roundedSize(65_537), 69_632)        // 17 pages
        XCTAssertEqual(BufferPool.roundedSize(1 << 20), 1 << 20)
    }

    func testLargerSizesRoundToAnEighthOfTheirPowerOfTwo() {
        // 32 videos × 300 frames × 1152 floats = 44,236,800 bytes lies in [2²⁵, 2²⁶): steps of
        // 2²² = 4,194,304, so it rounds up to 11 steps, 46,137,344; 290 frames (42,762,240) too.
        XCTAssertEqual(BufferPool.roundedSize(44_236_800), 46_137_344)
        XCTAssertEqual(BufferPool.roundedSize(42_762_240), 46_137_344)
        // Just above 1 MiB: steps of 2¹⁷ = 131,072 → 9 steps.
        XCTAssertEqual(BufferPool.roundedSize((1 << 20) + 1), 1_179_648)
        for bytes in stride(from: (1 << 20) + 1, to: 1 << 28, by: 7_777_777) {
            let rounded = BufferPool.roundedSize(bytes)
            XCTAssertGreaterThanOrEqual(rounded, bytes)
            XCTAssertEqual(rounded % 4096, 0, "\(bytes) → \(rounded) is not whole pages")
            XCTAssertLessThanOrEqual(Double(rounded), Double(bytes) * 1.125, "\(bytes) → \(rounded) wastes more than 1/8")
        }
    }

    func testBatchesOfVaryingLengthReuseAFewBuffers() {
        BufferPool.drain()
        defer { BufferPool.drain() }
        // A batch per length, each freed before the next, as a reader's batches of 270–300 frames:
        // two size classes, so at most two buffers stay (one per length would be 31, 1.3 GB).
        for frames in 270...300 {
            let bytes = 32 * frames * 1152 * 4
            BufferPool.release(BufferPool.allocate(byteCount: bytes), byteCount: bytes)
        }
        XCTAssertLessThanOrEqual(BufferPool.cachedByteCount, 2 * 46_137_344)
    }
}
