@testable import YT8MData
import Foundation
import Tensor
import TestSupport
import XCTest

final class FrameSamplingTests: XCTestCase {
    func testUniformSamplingTakesSegmentCentres() {
        var generator = RandomGenerator(seed: 0)
        // n = 10, 4 rows: ⌊(2i + 1)·10/8⌋ = ⌊1.25⌋, ⌊3.75⌋, ⌊6.25⌋, ⌊8.75⌋.
        XCTAssertEqual(FrameSampling.uniform(count: 4).frameIndices(frameCount: 10, maxFrames: 300, generator: &generator),
                       [1, 3, 6, 8])
        // n = 300, 3 rows: 50, 150, 250.
        XCTAssertEqual(FrameSampling.uniform(count: 3).frameIndices(frameCount: 300, maxFrames: 300, generator: &generator),
                       [50, 150, 250])
        // Fewer frames than rows: each frame once, then padding.
        XCTAssertEqual(FrameSampling.uniform(count: 4).frameIndices(frameCount: 3, maxFrames: 300, generator: &generator),
                       [0, 1, 2])
        XCTAssertEqual(FrameSampling.all.frameIndices(frameCount: 7, maxFrames: 5, generator: &generator), [0, 1, 2, 3, 4])
        XCTAssertEqual(FrameSampling.uniform(count: 4).rowCount(maxFrames: 300), 4)
        XCTAssertEqual(FrameSampling.all.rowCount(maxFrames: 300), 300)
    }

    func testRandomSamplingIsFloorOfUniformTimesFrameCount() {
        var generator = RandomGenerator(seed: 11)
        var replay = RandomGenerator(seed: 11)
        let indices = FrameSampling.randomWithReplacement(count: 300).frameIndices(frameCount: 17, maxFrames: 300,
                                                                                   generator: &generator)
        XCTAssertEqual(indices.count, 300)
        XCTAssertEqual(indices, (0..<300).map { _ in Int(replay.nextUniform() * 17) })
        XCTAssertEqual(Set(indices), Set(0..<17), "300 draws from 17 frames hit every frame")
        XCTAssertEqual(FrameSampling.randomWithReplacement(count: 5).frameIndices(frameCount: 0, maxFrames: 300,
                                                                                  generator: &generator), [])
    }

    func testSceneStartsKeepFrameZeroAndTheLowestSimilarities() {
        // Similarity of frame t with t − 1 for t = 1…5.
        let similarities: [Float] = [0.9, 0.2, 0.95, 0.1, 0.5]
        XCTAssertEqual(FrameSampling.sceneStarts(similarities: similarities, frameCount: 6, count: 3, threshold: nil), [0, 2, 4])
        XCTAssertEqual(FrameSampling.sceneStarts(similarities: similarities, frameCount: 6, count: 3, threshold: 0.15), [0, 4])
        XCTAssertEqual(FrameSampling.sceneStarts(similarities: similarities, frameCount: 6, count: 10, threshold: 0.6), [0, 2, 4, 5])
        XCTAssertEqual(FrameSampling.sceneStarts(similarities: [0.3, 0.3], frameCount: 3, count: 2, threshold: nil), [0, 1],
                       "ties go to the earlier frame")
        XCTAssertEqual(FrameSampling.sceneStarts(similarities: [], frameCount: 1, count: 4, threshold: nil), [0])
    }

    func testNeighbourSimilaritiesMatchTheTensorOp() {
        var generator = RandomGenerator(seed: 5)
        let n = 6, width = 16
        let codes = (0..<(n * width)).map { _ in UInt8(generator.nextInt(below: 256)) }
        let ours = codes.withUnsafeBufferPointer {
            FrameSampling.neighbourSimilarities(bytes: $0.baseAddress!, offsets: (0..<n).map { $0 * width }, frameCount: n,
                                                width: width, quantization: YT8MQuantization())
        }
        let frames = Tensor(codes.map(referenceDequantize), shape: [n, width])
        let reference = frames.neighbourCosineSimilarity().floats.map { abs($0) }
        XCTAssertEqual(ours.count, n - 1)
        for (a, b) in zip(ours, reference) { XCTAssertEqual(a, b, accuracy: 1e-4) }
    }

    func testSceneSamplingInTheDatasetPicksTheFirstFrameOfEachScene() throws {
        // rgb frames: scene A (frames 0–2), scene B (3–4), scene C (5–7); each scene a constant frame,
        // pairwise nearly orthogonal after dequantization (code 127 is −0.00003). |cos| is ≈ 1 inside
        // scenes and ≈ 0 at the cuts A→B (frame 3) and B→C (frame 5).
        let high: UInt8 = 192, low: UInt8 = 64, mid: UInt8 = 127
        let a: [UInt8] = [high, mid, mid, mid], b: [UInt8] = [mid, high, mid, mid], c: [UInt8] = [mid, mid, low, mid]
        let rgb = [a, a, a, b, b, c, c, c].flatMap { $0 }
        let audio = (0..<8).flatMap { t in [UInt8(t), UInt8(t)] }
        let dir = try makeTemporaryDirectory(self)
        let path = "\(dir)/s.tfrecord"
        try YT8MRecordWriter.write([FrameLevelRecord(id: "s", labels: [1], frames: [rgb, audio])], to: path, format: smallFrameFormat)
        let options = YT8MDatasetOptions(level: .frame, format: smallFrameFormat, batchSize: 1, maxFrames: 300,
                                         frameInput: .frames(.scenes(count: 4, threshold: 0.5)))
        let batch = try XCTUnwrap(try YT8MDataset(files: [path], options: options).next())
        XCTAssertEqual(batch.features.shape, [1, 4, 6])
        XCTAssertEqual(batch.frameCounts, [3])
        let rows = batch.features.floats
        // Kept frames 0, 3, 5: their audio codes are 0, 3, 5; the fourth row is padding.
        XCTAssertEqual([rows[4], rows[10], rows[16]], [0, 3, 5].map { referenceDequantize(UInt8($0)) })
        XCTAssertEqual(Array(rows[18..<24]), [0, 0, 0, 0, 0, 0])
    }

    func testFrameStatisticsOfAWorkedExample() {
        // The small format has rgb 4 and audio 2 bytes per frame; four frames (codes):
        //   rgb dim 0: 3, 1, 3, 2    → sorted 1 2 3 3: min 1, max 3, lower median (rank 1) 2, mode 3
        //   audio dim 1: 5, 5, 7, 7  → tie between 5 and 7: mode 5 (smaller); lower median 5
        let rgb: [UInt8] = [3, 0, 0, 0, 1, 0, 0, 0, 3, 0, 0, 0, 2, 0, 0, 0]
        let audio: [UInt8] = [0, 5, 0, 5, 0, 7, 0, 7]
        let stats = FrameStatistics.compute([.mean, .std, .median, .min, .max, .mode, .numFrames], frames: [rgb, audio],
                                            format: smallFrameFormat, frameCount: 4)
        XCTAssertEqual(stats.count, 6 * 6 + 1)
        let x = { (q: UInt8) in Double(referenceDequantize(q)) }
        let meanRGB = (x(3) + x(1) + x(3) + x(2)) / 4
        let stdRGB = (([x(3), x(1), x(3), x(2)].map { ($0 - meanRGB) * ($0 - meanRGB) }.reduce(0, +)) / 3).squareRoot()
        XCTAssertEqual(Double(stats[0]), meanRGB, accuracy: 1e-6)           // mean, rgb dim 0
        XCTAssertEqual(Double(stats[6]), stdRGB, accuracy: 1e-6)            // std, rgb dim 0
        XCTAssertEqual(stats[12], referenceDequantize(2))                   // median
        XCTAssertEqual(stats[18], referenceDequantize(1))                   // min
        XCTAssertEqual(stats[24], referenceDequantize(3))                   // max
        XCTAssertEqual(stats[30], referenceDequantize(3))                   // mode
        XCTAssertEqual(stats[36], 4)                                        // numFrames
        XCTAssertEqual(stats[5], referenceDequantize(6), accuracy: 1e-6)    // mean of codes 5, 5, 7, 7 ≈ code 6's value
        XCTAssertEqual(stats[12 + 5], referenceDequantize(5))               // audio dim 1 lower median
        XCTAssertEqual(stats[30 + 5], referenceDequantize(5))               // audio dim 1 mode: tie → smaller
        XCTAssertEqual(stats[6 + 1], 0)                                     // constant rgb dim 1: std 0
    }

    func testFrameStatisticsMatchTheTensorOpsOverValidFramesOnly() throws {
        var generator = RandomGenerator(seed: 9)
        let frames = 13, maxFrames = 10
        // Codes from a narrow range so that modes are meaningful.
        let rgb = (0..<(frames * 1024)).map { _ in UInt8(100 + generator.nextInt(below: 12)) }
        let audio = (0..<(frames * 128)).map { _ in UInt8(generator.nextInt(below: 256)) }
        let dir = try makeTemporaryDirectory(self)
        let path = "\(dir)/stats.tfrecord"
        try YT8MRecordWriter.write([FrameLevelRecord(id: "x", labels: [], frames: [rgb, audio])], to: path)
        let list: [FrameStatistic] = [.mean, .std, .median, .min, .max, .mode, .numFrames]
        let options = YT8MDatasetOptions(level: .frame, batchSize: 1, maxFrames: maxFrames, frameInput: .statistics(list))
        let batch = try XCTUnwrap(try YT8MDataset(files: [path], options: options).next())
        XCTAssertEqual(batch.features.shape, [1, 6 * 1152 + 1])
        XCTAssertEqual(batch.frameCounts, [maxFrames])
        let got = batch.features.floats

        // Reference: the first maxFrames frames, dequantized, through the Tensor ops.
        var valid: [Float] = []
        for t in 0..<maxFrames {
            valid += rgb[t * 1024..<(t + 1) * 1024].map(referenceDequantize)
            valid += audio[t * 128..<(t + 1) * 128].map(referenceDequantize)
        }
        let x = Tensor(valid, shape: [maxFrames, 1152])
        let references: [(String, [Float], Float)] = [
            ("mean", x.mean(axis: 0).floats, 1e-5), ("std", x.std(axis: 0).floats, 1e-5),
            ("median", x.median(axis: 0).floats, 0), ("min", min(x, axis: 0).floats, 0),
            ("max", max(x, axis: 0).floats, 0), ("mode", x.mode(axis: 0).floats, 0),
        ]
        for (block, (name, reference, tolerance)) in references.enumerated() {
            let ours = Array(got[block * 1152..<(block + 1) * 1152])
            for d in 0..<1152 where abs(ours[d] - reference[d]) > tolerance {
                XCTFail("\(name)[\(d)]: \(ours[d]) vs \(reference[d])")
                break
            }
        }
        XCTAssertEqual(got.last, Float(maxFrames))
    }

    func testNeighbourCosineSimilarity() {
        // Rows (1,0), (0,1), (1,1), (0,0), (2,0): cosines 0, 1/√2, 0 (zero row), 0 (zero row).
        let x = Tensor([1, 0, 0, 1, 1, 1, 0, 0, 2, 0] as [Double], shape: [5, 2])
        let c = x.neighbourCosineSimilarity()
        XCTAssertEqual(c.shape, [4])
        for (a, b) in zip(c.doubles, [0, 1 / 2.0.squareRoot(), 0, 0]) { XCTAssertEqual(a, b, accuracy: 1e-15) }
        // Batched [2, 3, 2]: second batch (1,2), (2,4), (−1,−2) → 1, −1.
        let b = Tensor([1, 0, 0, 1, 1, 1, 1, 2, 2, 4, -1, -2] as [Float], shape: [2, 3, 2])
        let cb = b.neighbourCosineSimilarity(axis: 1)
        XCTAssertEqual(cb.shape, [2, 2])
        for (a, b) in zip(cb.doubles, [0, 1 / 2.0.squareRoot(), 1, -1]) { XCTAssertEqual(a, b, accuracy: 1e-6) }
        // Time axis 0 of [3, 2, 2]: rows are x[t, m, :], compared along t for each m.
        let t0 = Tensor([1, 0, 0, 1, 1, 0, 0, -1, 0, 2, 3, 3] as [Double], shape: [3, 2, 2])
        for (a, b) in zip(t0.neighbourCosineSimilarity(axis: 0).doubles, [1, -1, 0, -1 / 2.0.squareRoot()]) { XCTAssertEqual(a, b, accuracy: 1e-15) }
        XCTAssertEqual(Tensor.zeros([1, 4]).neighbourCosineSimilarity().shape, [0])
    }

}
