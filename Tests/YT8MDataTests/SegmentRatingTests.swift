@testable import TFRecord
@testable import YT8MData
import TestSupport
import XCTest

/// The 2019 segment-rated records: the three context lists decode into
/// ratings and back, and every way they can be wrong is a typed error
/// naming the video and the field.
final class SegmentRatingTests: XCTestCase {
    private let format = YT8MRecordFormat(numClasses: 10, frameFeatures: [.init(name: "rgb", size: 2), .init(name: "audio", size: 1)])

    /// A 12-frame video with the given context lists added.
    private func serialized(_ extra: [String: Feature]) -> [UInt8] {
        var context: [String: Feature] = ["id": .bytesList([Array("v-1_x".utf8)]), "labels": .int64List([3])]
        context.merge(extra) { $1 }
        let frames = (0..<12).map { _ in Feature.bytesList([[1, 2]]) }
        let audio = (0..<12).map { _ in Feature.bytesList([[3]]) }
        return SequenceExample(context: Features(context), featureLists: FeatureLists(["rgb": frames, "audio": audio])).serialized()
    }

    private func problem(_ extra: [String: Feature]) -> YT8MRecordError? {
        do { _ = try FrameLevelRecord(serialized: serialized(extra), format: format); return nil }
        catch { return error as? YT8MRecordError }
    }

    func testRatingsDecodeFromTheThreeContextLists() throws {
        let record = try FrameLevelRecord(serialized: serialized([
            "segment_labels": .int64List([3, 7]), "segment_start_times": .int64List([0, 10]),
            "segment_scores": .floatList([1, 0]),
        ]), format: format)
        XCTAssertEqual(record.segmentRatings, [SegmentRating(startTime: 0, label: 3, positive: true),
                                               SegmentRating(startTime: 10, label: 7, positive: false)])
        XCTAssertEqual(SegmentRating.segmentID(video: record.id, startTime: 10), "v-1_x:10")
        XCTAssertEqual(try FrameLevelRecord(serialized: serialized([:]), format: format).segmentRatings, [],
                       "video-rated files have no ratings")
    }

    func testRatingsRoundTripThroughSerialization() throws {
        let record = FrameLevelRecord(id: "s", labels: [1], frames: [Array(repeating: 7, count: 20), Array(repeating: 8, count: 10)],
                                      segmentRatings: [SegmentRating(startTime: 5, label: 9, positive: true),
                                                       SegmentRating(startTime: 5, label: 2, positive: false)])
        XCTAssertEqual(try FrameLevelRecord(serialized: record.serialized(format: format), format: format), record)
        var late = record
        late.segmentRatings = [SegmentRating(startTime: 10, label: 1, positive: true)]   // 10 frames: starts 0 and 5 only
        XCTAssertThrowsError(try late.serialized(format: format)) {
            XCTAssertEqual(($0 as? YT8MRecordError)?.problem, .segmentStartOutOfRange(index: 0, start: 10, frames: 10))
        }
    }

    func testEveryMalformedListIsNamed() {
        let lists: [String: Feature] = ["segment_labels": .int64List([3]), "segment_start_times": .int64List([5]),
                                        "segment_scores": .floatList([1])]
        func with(_ key: String, _ value: Feature?) -> [String: Feature] {
            var l = lists
            l[key] = value
            return l
        }
        XCTAssertNil(problem(lists))
        XCTAssertEqual(problem(with("segment_start_times", .int64List([7])))?.problem,
                       .segmentStartOutOfRange(index: 0, start: 7, frames: 12))
        XCTAssertEqual(problem(with("segment_start_times", .int64List([15]))), YT8MRecordError(
            videoID: "v-1_x", field: "segment_start_times", problem: .segmentStartOutOfRange(index: 0, start: 15, frames: 12)))
        XCTAssertEqual(problem(with("segment_start_times", .int64List([-5])))?.problem,
                       .segmentStartOutOfRange(index: 0, start: -5, frames: 12))
        XCTAssertEqual(problem(with("segment_scores", .floatList([0.5])))?.problem, .segmentScoreNotBinary(index: 0, value: 0.5))
        XCTAssertEqual(problem(with("segment_labels", .int64List([10])))?.problem, .labelOutOfRange(label: 10, numClasses: 10))
        XCTAssertEqual(problem(with("segment_scores", .floatList([1, 0]))),
                       YT8MRecordError(videoID: "v-1_x", field: "segment_scores", problem: .wrongCount(expected: 1, found: 2)))
        XCTAssertEqual(problem(with("segment_scores", nil)),
                       YT8MRecordError(videoID: "v-1_x", field: "segment_scores", problem: .missing))
        XCTAssertEqual(problem(with("segment_labels", .floatList([3])))?.problem,
                       .wrongKind(expected: "int64_list", found: "float_list"))
        XCTAssertEqual(problem(with("segment_start_times", .int64List([7])))?.description,
                       "video v-1_x: field \"segment_start_times\" value 0 is 7: a segment must start at a multiple of 5 below the video's 12 frames")
    }
}
