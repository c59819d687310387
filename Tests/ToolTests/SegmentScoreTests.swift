import Foundation
import TFRecord
import XCTest
import Metrics
import YT8MData

/// `yt8m score` on a 2019 segment submission, against segment-rated files
/// whose mAP is worked out by hand.
extension PipelineTests {
    /// Class 3 rated a:0 +, a:5 −, b:0 +, c:10 −, d:0 + (P = 3); class 7 rated e:0 − only.
    fileprivate func writeSegmentRatedFiles(in dir: String) throws {
        let format = YT8MRecordFormat.yt8m2018
        func video(_ id: String, frames: Int, _ ratings: [SegmentRating]) throws -> [UInt8] {
            try FrameLevelRecord(id: id, labels: [3], frames: format.frameFeatures.map { [UInt8](repeating: 9, count: frames * $0.size) },
                                 segmentRatings: ratings).serialized(format: format)
        }
        let r = { (start: Int, label: Int, positive: Bool) in SegmentRating(startTime: start, label: label, positive: positive) }
        try TFRecordWriter.write(records: [
            try video("a", frames: 15, [r(0, 3, true), r(5, 3, false)]),
            try video("b", frames: 10, [r(0, 3, true)]),
        ], to: dir + "/validate-0.tfrecord")
        try TFRecordWriter.write(records: [
            try video("c", frames: 15, [r(10, 3, false)]),
            try video("d", frames: 5, [r(0, 3, true)]),
            try video("e", frames: 5, [r(0, 7, false)]),
        ], to: dir + "/validate-1.tfrecord")
        try "Class,Segments\n3,a:5 b:5 a:0 c:10 b:0\n7,e:0\n".write(toFile: dir + "/segments.csv", atomically: true, encoding: .utf8)
    }

    func testSegmentSubmissionsAreScoredAsTheStarterDoes() throws {
        let dir = try temporaryDirectory()
        try writeSegmentRatedFiles(in: dir)
        let labels = ["--labels", "validate-*.tfrecord"]
        // Class 3: rated a:5 −, a:0 + (1/2), c:10 −, b:0 + (2/4) over P = 3: 1/3; class 7: 0.
        let full = try succeed(["score", "--predictions", "segments.csv"] + labels, in: dir)
        XCTAssertTrue(full.contains("mAP@100000: 0.166667"), full)
        XCTAssertTrue(full.contains("rated segments: 6 (3 positive) in 5 videos"), full)
        XCTAssertTrue(full.contains("(1 without a positive rating)"), full)
        // The first 3 of class 3 hold one rated positive, at rated rank 2: (1/2) / 3, mean 1/12.
        XCTAssertTrue(try succeed(["score", "--predictions", "segments.csv", "--top-n", "3"] + labels, in: dir)
            .contains("mAP@3: 0.083333"))
        // Another rated-class list: class 7 is not rated, class 9 is rated but missing.
        try "Index\n3\n9\n".write(toFile: dir + "/rated.csv", atomically: true, encoding: .utf8)
        let listed = try yt8m(["score", "--predictions", "segments.csv", "--segment-classes", "rated.csv"] + labels, in: dir)
        XCTAssertEqual(listed.status, 0, listed.stderr)
        XCTAssertTrue(listed.stdout.contains("mAP@100000: 0.333333"), listed.stdout)
        XCTAssertTrue(listed.stderr.contains("1 rated classes have no row"), listed.stderr)
        XCTAssertTrue(listed.stderr.contains("for classes that are not rated"), listed.stderr)
        let strict = try yt8m(["score", "--predictions", "segments.csv", "--segment-classes", "rated.csv", "--strict"] + labels, in: dir)
        XCTAssertEqual(strict.status, 1, strict.stderr)
    }

    func testPredictSegmentsWritesASubmissionThatScores() throws {
        let dir = try temporaryDirectory()
        try writeSegmentRatedFiles(in: dir)
        // A small frame-level set of 12 classes to train on (the segment files' classes 3 and 7 are among them).
        try succeed(["synth", "--out", "data", "--frame-level", "--videos", "60", "--classes", "12", "--shards", "1"], in: dir)
        try succeed(["train", "--model", "frame-logistic", "--steps", "4", "--batch-size", "16", "--validate-every", "4",
                     "--train", "data/frame/train*", "--validation", "data/frame/validate*", "--num-classes", "12",
                     "--out", "run"], in: dir)
        try "Index\n3\n7\n".write(toFile: dir + "/rated.csv", atomically: true, encoding: .utf8)
        let predict = try yt8m(["predict", "--checkpoint", "run/best.safetensors", "--data", "validate-*.tfrecord", "--segments",
                                "--segment-classes", "rated.csv", "--top-k", "1", "--segments-per-class", "4", "--out", "seg.csv"], in: dir)
        XCTAssertEqual(predict.status, 0, predict.stderr)
        XCTAssertTrue(predict.stderr.contains("wrote segment predictions (10 segments) to seg.csv"), predict.stderr)
        // 10 segments (3 + 2 + 3 + 1 + 1), each in its one best rated class; at most 4 per class.
        let ranking = try SegmentSubmission.read(path: dir + "/seg.csv")
        XCTAssertTrue(Set(ranking.segmentsByClass.keys).isSubset(of: [3, 7]), "\(ranking)")
        XCTAssertTrue(ranking.segmentsByClass.values.allSatisfy { $0.count <= 4 })
        XCTAssertEqual(ranking.segmentsByClass.values.map(\.count).reduce(0, +), min(10, 4 * ranking.segmentsByClass.count))
        // eval's segment mAP is the score of predict's default submission.
        try succeed(["predict", "--checkpoint", "run/best.safetensors", "--data", "validate-*.tfrecord", "--segments",
                     "--segment-classes", "rated.csv", "--out", "full.csv"], in: dir)
        let score = try succeed(["score", "--predictions", "full.csv", "--segment-classes", "rated.csv",
                                 "--labels", "validate-*.tfrecord"], in: dir)
        let eval = try succeed(["eval", "--checkpoint", "run/best.safetensors", "--data", "validate-*.tfrecord",
                                "--segment-classes", "rated.csv"], in: dir)
        func number(after prefix: String, in text: String) -> Double? {
            text.split(separator: "\n").first { $0.hasPrefix(prefix) }
                .flatMap { Double($0.dropFirst(prefix.count).split(separator: " ").first ?? "") }
        }
        let scored = try XCTUnwrap(number(after: "mAP@100000: ", in: score), score)
        let evaluated = try XCTUnwrap(number(after: "segment mAP@100000 ", in: eval), eval)
        XCTAssertEqual(scored, evaluated, accuracy: 5e-5)
        XCTAssertTrue(eval.contains("GAP@20"), eval)

        try succeed(["synth", "--out", "vdata", "--video-level", "--videos", "40", "--classes", "12", "--shards", "1"], in: dir)
        let video = try yt8m(["train", "--model", "logistic", "--steps", "2", "--train", "vdata/video/train*",
                              "--validation", "vdata/video/validate*", "--num-classes", "12", "--out", "video"], in: dir)
        XCTAssertEqual(video.status, 0, video.stderr)
        let refused = try yt8m(["predict", "--checkpoint", "video/best.safetensors", "--data", "validate-*.tfrecord", "--segments",
                                "--out", "v.csv"], in: dir)
        XCTAssertEqual(refused.status, 1)
        XCTAssertTrue(refused.stderr.contains("segments need a frame-level model"), refused.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir + "/v.csv"))
    }

    func testSegmentScoringStopsOnBadInput() throws {
        let dir = try temporaryDirectory()
        try writeSegmentRatedFiles(in: dir)
        try "Class,Segments\n3,a:5 a:5\n".write(toFile: dir + "/twice.csv", atomically: true, encoding: .utf8)
        let twice = try yt8m(["score", "--predictions", "twice.csv", "--labels", "validate-*.tfrecord"], in: dir)
        XCTAssertEqual(twice.status, 1)
        XCTAssertTrue(twice.stderr.contains("twice.csv:2: segment a:5 appears twice"), twice.stderr)
        let topN = try yt8m(["score", "--predictions", "segments.csv", "--top-n", "0", "--labels", "validate-*.tfrecord"], in: dir)
        XCTAssertEqual(topN.status, 64)
        try "Index\nx\n".write(toFile: dir + "/rated.csv", atomically: true, encoding: .utf8)
        let rated = try yt8m(["score", "--predictions", "segments.csv", "--segment-classes", "rated.csv",
                              "--labels", "validate-*.tfrecord"], in: dir)
        XCTAssertEqual(rated.status, 1)
        XCTAssertTrue(rated.stderr.contains("rated.csv:2: \"x\" is not a class index"), rated.stderr)
    }
}

extension PipelineTests {
    /// The starter's baseline from the tool: a frame-level model trained on
    /// video labels, then fine-tuned on the segment ratings from its checkpoint.
    func testTrainFineTunesOnSegmentLabels() throws {
        let dir = try temporaryDirectory()
        try writeSegmentRatedFiles(in: dir)
        try succeed(["synth", "--out", "data", "--frame-level", "--videos", "40", "--classes", "12", "--shards", "1"], in: dir)
        try succeed(["train", "--model", "frame-logistic", "--steps", "2", "--batch-size", "8", "--validate-every", "2",
                     "--train", "data/frame/train*", "--validation", "data/frame/validate*", "--num-classes", "12",
                     "--out", "video"], in: dir)
        // validate-0 holds 3 rated segments, validate-1 3: train on one, validate on the other.
        let segments = ["--segment-labels", "--train", "validate-0.tfrecord", "--validation", "validate-1.tfrecord"]
        let tuned = try yt8m(["train", "--init-from", "video/best.safetensors", "--steps", "3", "--batch-size", "2",
                              "--validate-every", "3", "--out", "seg"] + segments, in: dir)
        XCTAssertEqual(tuned.status, 0, tuned.stderr)
        XCTAssertTrue(tuned.stderr.contains("frame-logistic"), "the model comes from the checkpoint:\n\(tuned.stderr)")
        XCTAssertTrue(tuned.stderr.contains("segment labels of 1 files, from video/best.safetensors"), tuned.stderr)
        XCTAssertTrue(FileManager.default.fileExists(atPath: dir + "/seg/best.safetensors"))
        // The fine-tuned checkpoint is a frame-level model like any other: eval scores segments with it.
        let eval = try succeed(["eval", "--checkpoint", "seg/best.safetensors", "--data", "validate-*.tfrecord"], in: dir)
        XCTAssertTrue(eval.contains("segment mAP@100000"), eval)

        // Mistakes stop before training, as usage errors, and write nothing.
        let videoModel = try yt8m(["train", "--model", "moe", "--steps", "1", "--out", "moe", "--num-classes", "12"] + segments, in: dir)
        XCTAssertEqual(videoModel.status, 64, videoModel.stderr)
        XCTAssertTrue(videoModel.stderr.contains("segment labels need a frame-level model"), videoModel.stderr)
        let rank = try yt8m(["train", "--model", "frame-logistic", "--loss", "rank", "--steps", "1", "--out", "rank",
                             "--num-classes", "12"] + segments, in: dir)
        XCTAssertEqual(rank.status, 64, rank.stderr)
        XCTAssertTrue(rank.stderr.contains("cannot honour label weights"), rank.stderr)
        let other = try yt8m(["train", "--init-from", "video/best.safetensors", "--model", "dbof", "--steps", "1",
                              "--batch-size", "2", "--out", "other"] + segments, in: dir)
        XCTAssertNotEqual(other.status, 0)
        XCTAssertTrue(other.stderr.contains("holds another model"), other.stderr)
        for run in ["moe", "rank", "other"] {
            XCTAssertFalse(FileManager.default.fileExists(atPath: dir + "/\(run)/last.safetensors"), run)
        }
    }
}
