@testable import TFRecord
@testable import Training
@testable import YT8MData
import Foundation
import TestSupport
import XCTest

/// Distillation's data step: folds of the training files and teacher
/// predictions written into copies of the records.
final class SoftLabelsTests: XCTestCase {
    func testFoldsAreRoundRobinAndCoverEveryFileOnce() {
        let files = (0..<7).map { "f\($0)" }
        XCTAssertEqual(SoftLabels.folds(files, k: 3), [["f0", "f3", "f6"], ["f1", "f4"], ["f2", "f5"]])
        XCTAssertEqual(SoftLabels.folds(files, k: 7).map(\.count), Array(repeating: 1, count: 7))
    }

    func testAnnotateAddsThePredictionsAndKeepsEverythingElse() throws {
        let dir = try makeTemporaryDirectory(self)
        let format = smallFrameFormat
        let videoIn = "\(dir)/video.tfrecord", videoOut = "\(dir)/video-soft.tfrecord"
        let frameIn = "\(dir)/frame.tfrecord", frameOut = "\(dir)/frame-soft.tfrecord"
        let videos = [testVideoRecord(video: 1), testVideoRecord(video: 2)]
        let frames = [testFrameRecord(video: 1, frames: 3), testFrameRecord(video: 2, frames: 5)]
        try TFRecordWriter.write(records: try videos.map { try $0.serialized(format: format) }, to: videoIn)
        try TFRecordWriter.write(records: try frames.map { try $0.serialized(format: format) }, to: frameIn)
        let predictions: [String: [Float]] = ["v1": (0..<10).map { Float($0) / 10 }, "v2": Array(repeating: 0.25, count: 10)]

        XCTAssertEqual(try SoftLabels.annotate(input: videoIn, output: videoOut, predictions: predictions,
                                               frameLevel: false, format: format), 2)
        XCTAssertEqual(try SoftLabels.annotate(input: frameIn, output: frameOut, predictions: predictions,
                                               frameLevel: true, format: format), 2)

        for (i, bytes) in try TFRecordReader.readAll(path: videoOut).enumerated() {
            let example = try Example(serialized: bytes)
            XCTAssertEqual(example.features.feature["predictions"], .floatList(predictions["v\(i + 1)"]!))
            XCTAssertEqual(try VideoLevelRecord(serialized: bytes, format: format), videos[i])
        }
        for (i, bytes) in try TFRecordReader.readAll(path: frameOut).enumerated() {
            let example = try SequenceExample(serialized: bytes)
            XCTAssertEqual(example.context.feature["predictions"], .floatList(predictions["v\(i + 1)"]!))
            XCTAssertEqual(try FrameLevelRecord(serialized: bytes, format: format), frames[i])
        }
    }

    func testAVideoWithoutAPredictionIsAnErrorAndNoOutputIsLeft() throws {
        let dir = try makeTemporaryDirectory(self)
        let input = "\(dir)/in.tfrecord", output = "\(dir)/out.tfrecord"
        try TFRecordWriter.write(records: try [1, 2, 3].map { try testVideoRecord(video: $0).serialized(format: smallFrameFormat) },
                                 to: input)
        XCTAssertThrowsError(try SoftLabels.annotate(input: input, output: output, predictions: ["v1": [0.5]],
                                                     frameLevel: false, format: smallFrameFormat)) {
            let missing = $0 as? SoftLabels.MissingPrediction
            XCTAssertEqual(missing?.record, 1)
            XCTAssertEqual(missing?.videoID, "v2")
            XCTAssertEqual(missing?.description, "\(input): record 1: no teacher prediction for video 'v2'")
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: output), "a failed annotation leaves no half-written file")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir), ["in.tfrecord"], "nor a temporary file")
    }
}
