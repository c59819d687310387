@testable import YT8MData
import Foundation
import Tensor
import TestSupport
import XCTest

/// A dataset reading a `BatchShare` delivers exactly its strided rows of the
/// batches the whole dataset delivers, and never reads the other rows' data.
final class DatasetShareTests: XCTestCase {
    func options(_ input: FrameLevelInput, share: BatchShare? = nil) -> YT8MDatasetOptions {
        var o = YT8MDatasetOptions(level: .frame, format: smallFrameFormat, batchSize: 5, shuffleFiles: true,
                                   shuffleBufferSize: 8, seed: 11, maxFrames: 9, frameInput: input, epochs: 2)
        o.share = share
        return o
    }

    /// Rows `rows` of a whole batch as its own batch would hold them (frame axis trimmed to the longest).
    func rows(_ rows: [Int], of whole: YT8MBatch, trim: Bool) -> (features: [Float], labels: [Float], ids: [String]) {
        var f = whole.features.indexSelect(axis: 0, indices: rows)
        if trim, let longest = rows.map({ whole.frameCounts[$0] }).max(), longest < f.shape[1] {
            f = f.sliced(axis: 1, range: 0..<Swift.max(longest, 1))
        }
        return (f.floats, whole.labels.indexSelect(axis: 0, indices: rows).floats, rows.map { whole.ids[$0] })
    }

    func testSharesAreTheStridedRowsOfTheWholeBatchesBitForBit() throws {
        let dir = try makeTemporaryDirectory(self)
        let files = try writeFrameFiles(in: dir, files: 3, perFile: 7)     // 21 videos: 4 batches of 5 and one of 1
        for input in [FrameLevelInput.frames(.randomWithReplacement(count: 4)), .frames(.all)] {
            let whole = try YT8MDataset(files: files, options: options(input))
            var wholeBatches: [YT8MBatch] = []
            for _ in 0..<2 { wholeBatches += try drainEpoch(whole) }
            XCTAssertEqual(wholeBatches.map(\.count), [5, 5, 5, 5, 1, 5, 5, 5, 5, 1])
            for parts in [2, 3] {
                for part in 0..<parts {
                    let shared = try YT8MDataset(files: files, options: options(input, share: BatchShare(part: part, of: parts)))
                    var batches: [YT8MBatch] = []
                    for _ in 0..<2 { batches += try drainEpoch(shared) }
                    // The last batch of 1 video cannot give every part one: dropped by every part alike.
                    let expected = wholeBatches.filter { $0.count >= parts }
                    XCTAssertEqual(batches.count, expected.count, "part \(part) of \(parts)")
                    for (b, w) in zip(batches, expected) {
                        let mine = Array(stride(from: part, to: w.count, by: parts))
                        let want = rows(mine, of: w, trim: input == .frames(.all))
                        XCTAssertEqual(b.rows, mine)
                        XCTAssertEqual(b.globalCount, w.count)
                        XCTAssertEqual(b.ids, want.ids)
                        XCTAssertEqual(b.features.floats.map(\.bitPattern), want.features.map(\.bitPattern), "\(input) part \(part) of \(parts)")
                        XCTAssertEqual(b.labels.floats, want.labels)
                        XCTAssertEqual(b.frameCounts, mine.map { w.frameCounts[$0] })
                        XCTAssertEqual(b.stateAfter, w.stateAfter)
                    }
                }
            }
        }
    }

    /// A record whose data is corrupt stops only the reader whose share holds it.
    func testAPartNeverReadsTheDataOfAnotherPartsVideos() throws {
        let dir = try makeTemporaryDirectory(self)
        let path = try writeFrameFiles(in: dir, files: 1, perFile: 6)[0]
        // Break one data byte of the record at position 3 (no shuffling: batch rows 0…4, then 5):
        // part 1 of 2 owns rows 1 and 3.
        var bytes = try bytesOf(path)
        var offset = 0
        for _ in 0..<3 { offset += 16 + Int(UInt64(littleEndian: bytes[offset..<(offset + 8)].withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) })) }
        bytes[offset + 12 + 5] ^= 0xFF
        try writeBytes(bytes, to: path)
        func read(_ share: BatchShare?) throws -> [YT8MBatch] {
            var o = YT8MDatasetOptions(level: .frame, format: smallFrameFormat, batchSize: 5, epochs: 1)
            o.share = share
            return try drainEpoch(try YT8MDataset(files: [path], options: o))
        }
        XCTAssertThrowsError(try read(nil))
        XCTAssertThrowsError(try read(BatchShare(part: 1, of: 2)))
        let part0 = try read(BatchShare(part: 0, of: 2))
        XCTAssertEqual(part0.map(\.ids), [["v0", "v2", "v4"]])   // the last batch (1 video) is dropped
    }

    /// Whole-batch shares (evaluation): part p gets batches p, p + parts, …
    /// of each epoch, each exactly the whole dataset's, the last small one too.
    func testBatchSharesDealWholeBatches() throws {
        let dir = try makeTemporaryDirectory(self)
        let files = try writeFrameFiles(in: dir, files: 3, perFile: 7)     // 21 videos: 4 batches of 5 and one of 1
        let whole = try YT8MDataset(files: files, options: options(.frames(.all)))
        let wholeBatches = try drainEpoch(whole)
        for parts in [2, 3] {
            var seen = 0
            for part in 0..<parts {
                let shared = try YT8MDataset(files: files, options: options(.frames(.all), share: BatchShare(part: part, of: parts, unit: .batches)))
                let batches = try drainEpoch(shared)
                let expected = Array(stride(from: part, to: wholeBatches.count, by: parts)).map { wholeBatches[$0] }
                XCTAssertEqual(batches.map(\.ids), expected.map(\.ids), "part \(part) of \(parts)")
                for (b, w) in zip(batches, expected) {
                    XCTAssertEqual(b.features.floats.map(\.bitPattern), w.features.floats.map(\.bitPattern))
                    XCTAssertEqual(b.stateAfter, w.stateAfter)
                }
                seen += batches.count
            }
            XCTAssertEqual(seen, wholeBatches.count)
        }
    }

    func testAShareMustFitTheBatch() {
        var o = options(.frames(.all), share: BatchShare(part: 0, of: 6))
        XCTAssertThrowsError(try o.validate())
        o.share = BatchShare(part: 2, of: 2)
        XCTAssertThrowsError(try o.validate())
    }
}
