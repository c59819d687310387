import Metrics
import TestSupport
import XCTest

/// Segment mAP@K against values worked out by hand from the starter's
/// `segment_eval_inference.py` rules; the submission format read and written.
final class SegmentMetricTests: XCTestCase {
    /// Class 3: a:0 +, a:5 −, b:0 +, c:10 −, d:0 + (never ranked), so P = 3.
    /// Class 7: e:0 − only, so P = 0.
    private func ratings() -> SegmentRatingSet {
        var r = SegmentRatingSet()
        for (id, positive) in [("a:0", true), ("a:5", false), ("b:0", true), ("c:10", false), ("d:0", true)] {
            r.add(segmentID: id, classIndex: 3, positive: positive)
        }
        r.add(segmentID: "e:0", classIndex: 7, positive: false)
        return r
    }

    private let ranking = SegmentRanking(segmentsByClass: [3: ["a:5", "b:5", "a:0", "c:10", "b:0"], 7: ["e:0"]])

    func testUnratedSegmentsAreSkippedAndMissedPositivesCount() {
        // Class 3, rated only: a:5 −, a:0 + (1/2), c:10 −, b:0 + (2/4): (0.5 + 0.5) / 3.
        // Class 7 has no positive: AP 0. The mean over both: 1/6.
        let result = SegmentMeanAveragePrecision.compute(ranking: ranking, ratings: ratings())
        XCTAssertEqual(result.averagePrecisions[3]!, 1.0 / 3, accuracy: 1e-12)
        XCTAssertEqual(result.averagePrecisions[7], 0)
        XCTAssertEqual(result.classesWithoutPositives, [7])
        XCTAssertEqual(result.meanAveragePrecision, 1.0 / 6, accuracy: 1e-12)
    }

    func testTheCutOffComesBeforeTheUnratedAreDropped() {
        // Top 3 of class 3: a:5 −, b:5 (unrated), a:0 + at rated rank 2: (1/2) / 3 = 1/6; mean with class 7: 1/12.
        let result = SegmentMeanAveragePrecision.compute(ranking: ranking, ratings: ratings(), topN: 3)
        XCTAssertEqual(result.averagePrecisions[3]!, 1.0 / 6, accuracy: 1e-12)
        XCTAssertEqual(result.meanAveragePrecision, 1.0 / 12, accuracy: 1e-12)
    }

    func testTheWhitelistChoosesTheAveragedClassesAndNamesTheMissing() {
        let result = SegmentMeanAveragePrecision.compute(ranking: ranking, ratings: ratings(), ratedClasses: [3, 9])
        XCTAssertEqual(result.meanAveragePrecision, 1.0 / 3, accuracy: 1e-12)
        XCTAssertEqual(result.missingClasses, [9])
        XCTAssertEqual(Set(result.averagePrecisions.keys), [3])
    }

    func testARatingGivenTwiceKeepsTheLast() {
        var r = ratings()
        r.add(segmentID: "a:5", classIndex: 3, positive: true)   // a:5 now +: P = 4
        r.add(segmentID: "a:0", classIndex: 3, positive: false)  // a:0 now −: P = 3
        XCTAssertEqual(r.positives[3], 3)
        // Rated order a:5 + (1/1), a:0 −, c:10 −, b:0 + (2/4): 1.5 / 3.
        let result = SegmentMeanAveragePrecision.compute(ranking: SegmentRanking(segmentsByClass: [3: ranking.segmentsByClass[3]!]), ratings: r)
        XCTAssertEqual(result.meanAveragePrecision, 0.5, accuracy: 1e-12)
    }

    func testTheBuilderKeepsEachSegmentsBestClassesAndEachClassesBestSegments() {
        func build(_ segments: [(String, [Float])], segmentsPerClass: Int = 10) -> SegmentRanking {
            var builder = SegmentRanking.Builder(ratedClasses: [0, 1], classesPerSegment: 1, segmentsPerClass: segmentsPerClass)
            for (id, scores) in segments { builder.add(segmentID: id, scores: scores) }
            return builder.ranking()
        }
        // Class 2 is not rated, so v:15's best rated class is 0; v:10 ties 0.7/0.7 and goes to class 0
        // (lower index); v:10 and v:20 tie at 0.7 in class 0 and rank by id.
        let segments: [(String, [Float])] = [("v:0", [0.5, 0.9, 0]), ("v:5", [0.5, 0.1, 0]), ("v:10", [0.7, 0.7, 0]),
                                             ("v:20", [0.7, 0, 0]), ("v:15", [0.2, 0.1, 0.99])]
        XCTAssertEqual(build(segments), SegmentRanking(segmentsByClass: [0: ["v:10", "v:20", "v:5", "v:15"], 1: ["v:0"]]))
        XCTAssertEqual(build(segments.reversed()), build(segments), "the order segments arrive in does not matter")
        XCTAssertEqual(build(segments, segmentsPerClass: 2).segmentsByClass[0], ["v:10", "v:20"])
    }

    func testASubmissionRoundTripsAndParsesLeniently() throws {
        let dir = try makeTemporaryDirectory(self)
        let ranking = SegmentRanking(segmentsByClass: [12: ["a-b_c:0", "x:5"], 3: ["q:300"]])
        try SegmentSubmission.write(ranking, to: dir + "/s.csv")
        XCTAssertEqual(String(decoding: try Data(contentsOf: URL(fileURLWithPath: dir + "/s.csv")), as: UTF8.self),
                       "Class,Segments\n3,q:300\n12,a-b_c:0 x:5\n")
        XCTAssertEqual(try SegmentSubmission.read(path: dir + "/s.csv"), ranking)
        XCTAssertEqual(try SegmentSubmission.parse("Class,Segments\r\n12, a-b_c:0  x:5 \r\n\n3,q:300\n\n\n", path: "s"), ranking)
        XCTAssertEqual(try SegmentSubmission.parse("Class,Segments\n4,\n", path: "s"), SegmentRanking(segmentsByClass: [4: []]))
    }

    func testMalformedSubmissionsNameTheLine() {
        func problem(_ text: String) -> SubmissionError? {
            do { _ = try SegmentSubmission.parse(text, path: "s.csv"); return nil } catch { return error as? SubmissionError }
        }
        XCTAssertEqual(problem(""), SubmissionError(path: "s.csv", line: 0, problem: .emptyFile))
        XCTAssertEqual(problem("VideoId,LabelConfidencePairs\n"),
                       SubmissionError(path: "s.csv", line: 1, problem: .badHeader(found: "VideoId,LabelConfidencePairs", expected: "Class,Segments")))
        XCTAssertEqual(problem("Class,Segments\n1,a:0\n1,b:0\n"), SubmissionError(path: "s.csv", line: 3, problem: .duplicateClass(1, firstLine: 2)))
        XCTAssertEqual(problem("Class,Segments\nx,a:0\n")?.problem, .badClass("x"))
        XCTAssertEqual(problem("Class,Segments\n1,a:0 a\n")?.problem, .badSegmentID("a"))
        XCTAssertEqual(problem("Class,Segments\n1,a:0 :5\n")?.problem, .badSegmentID(":5"))
        XCTAssertEqual(problem("Class,Segments\n1,a:0 a:0\n")?.description, "s.csv:2: segment a:0 appears twice")
        XCTAssertEqual(problem("Class,Segments\n1 a:0\n")?.problem, .missingComma)
    }
}
