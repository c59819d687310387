import TFRecord
/// Video ids and labels read from YouTube-8M TFRecord files of either level, in file order,
/// without decoding the feature values (frame lists are skipped).
public struct YT8MLabels: Sendable {
    /// One labelled video.
    public struct Entry: Equatable, Sendable {
        /// The video id.
        public var id: String
        /// The class indices.
        public var labels: [Int]
        /// The segment ratings (segment-rated frame-level files only).
        public var segmentRatings: [SegmentRating] = []
    }

    /// A video id found twice in the label files.
    public struct DuplicateID: Error, CustomStringConvertible, Equatable {
        /// The id.
        public var id: String
        /// Where it was found the second time.
        public var path: String
        /// Record index in that file.
        public var recordIndex: Int

        /// The problem in words, naming what was wrong and where.
        public var description: String { "\(path): record \(recordIndex): video id \"\(id)\" already seen" }
    }

    /// The videos in file order.
    public private(set) var entries: [Entry] = []
    /// Corrupt records skipped (only with `skipCorrupt`).
    public private(set) var corruptRecordCount = 0
    private var indexByID: [String: Int] = [:]

    /// Reads `files` in order. Throws `TFRecordError` (unless `skipCorrupt`), `YT8MRecordError`
    /// naming file, record and field, `DuplicateID`, or `FileIOError`.
    public init(files: [String], format: YT8MRecordFormat = .yt8m2018, skipCorrupt: Bool = false) throws {
        corruptRecordCount = try YT8MRecordSummary.scan(files, format: format, skipCorrupt: skipCorrupt) { summary, path, index in
            guard indexByID[summary.id] == nil else {
                throw DuplicateID(id: summary.id, path: path, recordIndex: index)
            }
            indexByID[summary.id] = entries.count
            entries.append(Entry(id: summary.id, labels: summary.labels, segmentRatings: summary.segmentRatings))
            return true
        }
    }

    /// The labels of video `id`, or nil if it is not in the files.
    public func labels(of id: String) -> [Int]? {
        indexByID[id].map { entries[$0].labels }
    }
}
