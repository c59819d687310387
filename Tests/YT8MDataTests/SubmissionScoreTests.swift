@testable import Metrics
@testable import YT8MData
import TestSupport
import XCTest

final class SubmissionScoreTests: XCTestCase {
    func testScoresSubmissionAgainstFixtureLabelsByHand() throws {
        // Fixture labels: vid0 [3], vid1 [], vid2 [0, 17, 3861, 512, 2], vid3 [] (6 labels in all).
        let labels = try YT8MLabels(files: [fixturePath("video_level.tfrecord")])
        let csv = "VideoId,LabelConfidencePairs\nvid0,3 0.9 5 0.8\nvid2,17 0.7 0 0.6 100 0.5\nvid1,4 0.95\nzzz,1 0.5\n"
        let rows = try KaggleSubmission.parse(csv, path: "s.csv")
        let score = try SubmissionScore(rows: rows, labels: labels.entries.map { ($0.id, $0.labels) }, numClasses: 3862)
        // Ranked: .95 vid1c4−, .9 vid0c3+, .8 vid0c5−, .7 vid2c17+, .6 vid2c0+, .5 vid2c100−
        // GAP = (1/2 + 2/4 + 3/5)/6.
        XCTAssertEqual(score.result.globalAveragePrecision, (0.5 + 0.5 + 0.6) / 6, accuracy: 1e-12)
        // Classes with labels: 3, 0, 17 have AP 1; 3861, 512, 2 AP 0 → 3/6.
        XCTAssertEqual(score.result.meanAveragePrecision, 0.5, accuracy: 1e-12)
        // Hit@1: vid0 yes, vid1 no, vid2 yes, vid3 (no row) no.
        XCTAssertEqual(score.result.hitAtOne, 0.5)
        // PERR: vid0 1/1, vid1 0 (no labels), vid2 2/5 (only 3 classes listed), vid3 0.
        XCTAssertEqual(score.result.precisionAtEqualRecallRate, (1 + 0.4) / 4, accuracy: 1e-12)
        XCTAssertEqual(score.missingVideoIDs, ["vid3"])
        XCTAssertEqual(score.unknownVideoIDs, ["zzz"])
    }

    func testPredictedClassOutsideRangeIsError() throws {
        let labels = try YT8MLabels(files: [fixturePath("video_level.tfrecord")])
        let rows = [KaggleSubmission.Row(videoID: "vid0", predictions: [.init(classIndex: 3862, score: 1)])]
        XCTAssertThrowsError(try SubmissionScore(rows: rows, labels: labels.entries.map { ($0.id, $0.labels) }, numClasses: 3862)) { error in
            XCTAssertEqual(error as? MetricsError,
                           MetricsError(videoIndex: 0, problem: .classOutOfRange(classIndex: 3862, numClasses: 3862)))
        }
    }
}
