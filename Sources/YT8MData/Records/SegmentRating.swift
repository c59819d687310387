import TFRecord

/// One human rating of a 5-frame segment of a frame-level video (the 2019
/// segment-rated release): the segment starting at frame `startTime` was
/// rated for class `label`, as showing it (`positive`, a `segment_scores`
/// value of 1) or not (0). The starter code's segment ids are `video:start`.
public struct SegmentRating: Equatable, Hashable, Sendable {
    /// Frames in a rated segment, the release's fixed segment length.
    public static let length = 5

    /// The segment's first frame, a multiple of ``length`` inside the video.
    public var startTime: Int
    /// The rated class, in `0..<numClasses`.
    public var label: Int
    /// Whether the raters saw the class in the segment.
    public var positive: Bool

    /// A rating of `label` for the segment starting at frame `startTime`, `positive` when the class was seen.
    public init(startTime: Int, label: Int, positive: Bool) {
        self.startTime = startTime
        self.label = label
        self.positive = positive
    }

    /// The starter code's segment id, `VIDEO:START`.
    public static func segmentID(video: String, startTime: Int) -> String { "\(video):\(startTime)" }
}

/// The three context features that hold a record's segment ratings, parallel lists.
enum SegmentRatingFields {
    static let labels = "segment_labels"
    static let startTimes = "segment_start_times"
    static let scores = "segment_scores"

    /// The ratings of a record's context; none when the three features are absent
    /// (video-rated files). Each rating is checked against the video's
    /// `frameCount` (when known: reading labels only skips the frames) and
    /// the vocabulary, and the lists must be parallel.
    static func decode(_ context: [String: Feature], frameCount: Int?, format: YT8MRecordFormat,
                       videoID: String) throws -> [SegmentRating] {
        func fail(_ field: String, _ problem: YT8MRecordError.Problem) -> YT8MRecordError {
            YT8MRecordError(videoID: videoID, field: field, problem: problem)
        }
        func int64s(_ name: String) throws -> [Int64]? {
            switch context[name] {
            case nil, .unset?: return nil
            case .int64List(let values)?: return values
            case let other?: throw fail(name, .wrongKind(expected: "int64_list", found: other.kindName))
            }
        }
        let labels = try int64s(labels), starts = try int64s(startTimes)
        let scores: [Float]?
        switch context[self.scores] {
        case nil, .unset?: scores = nil
        case .floatList(let values)?: scores = values
        case let other?: throw fail(self.scores, .wrongKind(expected: "float_list", found: other.kindName))
        }
        if labels == nil, starts == nil, scores == nil { return [] }
        // One list without the others is a record cut short, not a video-rated one.
        guard let labels else { throw fail(self.labels, .missing) }
        guard let starts else { throw fail(startTimes, .missing) }
        guard let scores else { throw fail(self.scores, .missing) }
        guard starts.count == labels.count else { throw fail(startTimes, .wrongCount(expected: labels.count, found: starts.count)) }
        guard scores.count == labels.count else { throw fail(self.scores, .wrongCount(expected: labels.count, found: scores.count)) }
        return try (0..<labels.count).map { i in
            try check(label: labels[i], start: starts[i], index: i, frameCount: frameCount, format: format, videoID: videoID)
            guard scores[i] == 0 || scores[i] == 1 else {
                throw fail(self.scores, .segmentScoreNotBinary(index: i, value: scores[i]))
            }
            return SegmentRating(startTime: Int(starts[i]), label: Int(labels[i]), positive: scores[i] == 1)
        }
    }

    /// Rating `index`'s label lies in the vocabulary and its start is a
    /// multiple of the segment length inside the video (below `frameCount`, when known).
    private static func check(label: Int64, start: Int64, index: Int, frameCount: Int?, format: YT8MRecordFormat,
                              videoID: String) throws {
        guard label >= 0, label < Int64(format.numClasses) else {
            throw YT8MRecordError(videoID: videoID, field: labels, problem: .labelOutOfRange(label: label, numClasses: format.numClasses))
        }
        guard start >= 0, start < Int64(frameCount ?? Int.max), start % Int64(SegmentRating.length) == 0 else {
            throw YT8MRecordError(videoID: videoID, field: startTimes,
                                  problem: .segmentStartOutOfRange(index: index, start: start, frames: frameCount))
        }
    }

    /// Adds the three lists to `context` (nothing for no ratings), checked as `decode` checks them.
    static func encode(_ ratings: [SegmentRating], into context: inout [String: Feature], frameCount: Int,
                       format: YT8MRecordFormat, videoID: String) throws {
        guard !ratings.isEmpty else { return }
        for (i, rating) in ratings.enumerated() {
            try check(label: Int64(rating.label), start: Int64(rating.startTime), index: i, frameCount: frameCount,
                      format: format, videoID: videoID)
        }
        context[labels] = .int64List(ratings.map { Int64($0.label) })
        context[startTimes] = .int64List(ratings.map { Int64($0.startTime) })
        context[scores] = .floatList(ratings.map { $0.positive ? 1 : 0 })
    }
}
