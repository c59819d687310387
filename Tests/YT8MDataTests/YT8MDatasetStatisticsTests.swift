@testable import TFRecord
@testable import YT8MData
import Tensor
import TestSupport
import XCTest

final class YT8MDatasetStatisticsTests: XCTestCase {
    func testCountsLevelsLabelsAndFramesOfFixtures() throws {
        var stats = YT8MDatasetStatistics()
        try stats.add(file: fixturePath("video_level.tfrecord"))
        try stats.add(file: fixturePath("frame_level.tfrecord"))
        XCTAssertEqual(stats.videoLevelRecords, 4)
        XCTAssertEqual(stats.frameLevelRecords, 3)
        XCTAssertEqual(stats.corruptRecords, 0)
        XCTAssertEqual(stats.invalidRecords, 0)
        // Label counts per video: 1, 0, 5, 0 (video) and 1, 0, 4 (frame) → 11 labels over 7 videos.
        XCTAssertEqual(stats.labelsPerVideo.sum, 11)
        XCTAssertEqual(stats.labelsPerVideo.maximum, 5)
        XCTAssertEqual(stats.labelsPerVideo.minimum, 0)
        XCTAssertEqual(stats.framesPerVideo, {
            var s = CountSummary(); [3, 1, 5].forEach { s.add($0) }; return s
        }())
        // 3861 is labelled in vid2 and fr02; every other class at most once.
        XCTAssertEqual(stats.topLabels(2).map(\.label), [3861, 0])
        XCTAssertEqual(stats.topLabels(1).first?.count, 2)
    }

    func testWrongReleaseMakesRecordsInvalidWithMessages() throws {
        var stats = YT8MDatasetStatistics(format: .yt8m2017, problemLimit: 1)
        try stats.add(file: fixturePath("video_level.tfrecord"))
        XCTAssertEqual(stats.invalidRecords, 4)
        XCTAssertEqual(stats.problemCount, 4)
        XCTAssertEqual(stats.problems, ["\(fixturePath("video_level.tfrecord")): record 0: field \"video_id\" missing"])
    }

    func testCorruptRecordIsCountedAndReadingContinues() throws {
        let path = try makeTemporaryDirectory(self) + "/frames.tfrecord"
        var bytes = try bytesOf(fixturePath("frame_level.tfrecord"))
        bytes[200] ^= 0xFF  // inside record 0's data
        try writeBytes(bytes, to: path)
        var stats = YT8MDatasetStatistics()
        try stats.add(file: path)
        XCTAssertEqual(stats.files.first?.corruptRecords, 1)
        XCTAssertEqual(stats.frameLevelRecords, 2)
        XCTAssertTrue(stats.problems.first?.contains("record 0 at byte 0: data checksum mismatch") ?? false)
    }

    func testLabelsOfBothLevelsReadInFileOrder() throws {
        let labels = try YT8MLabels(files: [fixturePath("frame_level.tfrecord"), fixturePath("video_level.tfrecord")])
        XCTAssertEqual(labels.entries.map(\.id), ["fr00", "fr01", "fr02", "vid0", "vid1", "vid2", "vid3"])
        XCTAssertEqual(labels.labels(of: "fr02"), [1, 3861, 42, 7])
        XCTAssertNil(labels.labels(of: "nope"))
    }

    func testSameFileTwiceIsDuplicateVideoID() {
        let path = fixturePath("video_level.tfrecord")
        XCTAssertThrowsError(try YT8MLabels(files: [path, path])) { error in
            XCTAssertEqual(error as? YT8MLabels.DuplicateID, YT8MLabels.DuplicateID(id: "vid0", path: path, recordIndex: 0))
        }
    }

    func testDiscoveryExpandsDirectoriesAndGlobs() throws {
        let directory = (fixturePath("video_level.tfrecord") as NSString).deletingLastPathComponent
        let all = try RecordFileDiscovery.files(for: [directory])
        XCTAssertEqual(all.map { ($0 as NSString).lastPathComponent },
                       ["frame_level.tfrecord", "video_level.tfrecord", "video_level_2017.tfrecord"])
        let globbed = try RecordFileDiscovery.files(for: [directory + "/video_*.tfrecord", directory + "/video_level.tfrecord"])
        XCTAssertEqual(globbed.map { ($0 as NSString).lastPathComponent }, ["video_level.tfrecord", "video_level_2017.tfrecord"])
        XCTAssertThrowsError(try RecordFileDiscovery.files(for: [directory + "/nothing*.tfrecord"])) { error in
            XCTAssertEqual((error as? RecordFileDiscovery.NotFound)?.reason, "pattern matches no file")
        }
    }
}
