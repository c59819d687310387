import Foundation
import TestSupport
import XCTest
import YT8MData

/// `LabelPrior` against label counts taken straight from the synthetic
/// generator's videos (the training split is videos 0..<trainVideos, in
/// shard and file order).
final class LabelPriorTests: XCTestCase {
    let config = SyntheticDataConfig(videos: 60, numClasses: 20, minFrames: 4, maxFrames: 8, shards: 2, seed: 9)

    /// n_c over the generator's videos `range`.
    func counts(_ range: Range<Int>) throws -> [Int] {
        let generator = try SyntheticVideoGenerator(config: config)
        var n = [Int](repeating: 0, count: config.numClasses)
        for i in range { for c in Set(generator.video(i).labels) { n[c] += 1 } }
        return n
    }

    func testCountsTheFirstVideosOfTheTrainingFilesInOrder() throws {
        let dir = try makeTemporaryDirectory(self)
        let info = try SyntheticData.write(config, to: dir)
        XCTAssertEqual(info.videos["train"], 48)
        for level in [YT8MDatasetLevel.video, .frame] {
            let files = info.paths(split: "train", level: level, in: dir)
            XCTAssertEqual(files.count, 2)
            // 30 videos: the first shard's 24 and 6 of the second.
            let first30 = try LabelPrior(files: files, format: info.format, maxVideos: 30)
            XCTAssertEqual(first30.videos, 30, "\(level)")
            XCTAssertEqual(first30.counts, try counts(0..<30), "\(level)")
            // More than there are: every training video.
            let all = try LabelPrior(files: files, format: info.format)
            XCTAssertEqual(all.videos, 48)
            XCTAssertEqual(all.counts, try counts(0..<48))
            let expected = try counts(0..<48).map { min(max((Double($0) + 0.5) / 49, 1e-4), 0.5) }
            XCTAssertEqual(all.probabilities, expected)
            XCTAssertTrue(all.counts.contains { $0 > 0 } && all.counts.reduce(0, +) >= 48, "every video has a label")
        }
    }

    func testProbabilitiesAreSmoothedAndClipped() {
        // (0 + ½)/11, (5 + ½)/11 = ½, (10 + ½)/11 clipped to ½.
        XCTAssertEqual(LabelPrior(counts: [0, 5, 10], videos: 10).probabilities, [0.5 / 11, 0.5, 0.5])
        // An unseen class among 10,000 videos: ½/10,001 < 1e-4, clipped up.
        XCTAssertEqual(LabelPrior(counts: [0, 100], videos: 10_000).probabilities, [1e-4, 100.5 / 10_001])
        // No video at all: ½ for every class.
        XCTAssertEqual(LabelPrior(counts: [0, 0], videos: 0).probabilities, [0.5, 0.5])
    }
}
