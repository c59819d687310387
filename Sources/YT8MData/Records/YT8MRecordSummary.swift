import TFRecord
/// Whether a YouTube-8M record is video level (`tf.train.Example`) or frame level (`tf.train.SequenceExample`).
public enum YT8MRecordLevel: String, Sendable {
    /// `tf.train.Example` with per-video mean features.
    case video
    /// `tf.train.SequenceExample` with per-frame features.
    case frame
}

/// The id, labels and shape of a serialized YouTube-8M record of either level, read without
/// insisting on the feature sizes (for inspection and for reading labels only).
///
/// The level is detected from the top-level fields: a `SequenceExample` carries field 2
/// (`feature_lists`); an `Example` only field 1 (`features`, wire-identical to `context`).
public struct YT8MRecordSummary: Sendable {
    /// The detected level.
    public var level: YT8MRecordLevel
    /// The video id.
    public var id: String
    /// The label indices (validated against the format's class count).
    public var labels: [Int]
    /// Video level: number of float values of each float-list feature. Frame level: empty.
    public var featureValueCounts: [String: Int]
    /// Frame level: number of frames of each feature list (empty if frames were not read).
    public var frameCounts: [String: Int]
    /// Frame level: the segment ratings of a segment-rated file (start times
    /// checked against the first feature's frames only when frames were read).
    public var segmentRatings: [SegmentRating] = []

    /// Reads the summary of `bytes`. With `includeFrames: false`, frame-level feature lists are
    /// skipped (cheap label reading). Throws `YT8MRecordError` naming the field.
    public init(serialized bytes: [UInt8], format: YT8MRecordFormat, includeFrames: Bool = true) throws {
        do {
            var scanner = ProtobufDecoder(bytes: bytes)
            var hasFeatureLists = false
            while !scanner.isAtEnd {
                let (field, wireType) = try scanner.readTag()
                if field == 2 { hasFeatureLists = true }
                try scanner.skip(wireType)
            }
            let map: [String: Feature]
            featureValueCounts = [:]
            frameCounts = [:]
            if hasFeatureLists {
                level = .frame
                let example = try SequenceExample(serialized: bytes, includeFeatureLists: includeFrames)
                map = example.context.feature
                for (name, frames) in example.featureLists.featureList {
                    frameCounts[name] = frames.count
                }
            } else {
                level = .video
                map = try Example(serialized: bytes).features.feature
                for (name, feature) in map {
                    if case .floatList(let values) = feature { featureValueCounts[name] = values.count }
                }
            }
            id = try YT8MFields.decodeID(map, format: format)
            labels = try YT8MFields.decodeLabels(map, format: format)
            if level == .frame {
                segmentRatings = try SegmentRatingFields.decode(map, frameCount: format.frameFeatures.first.flatMap { frameCounts[$0.name] },
                                                                format: format, videoID: id)
            }
        } catch let error as ProtobufDecodingError {
            throw YT8MRecordError(field: error.field, problem: .malformedProtobuf(error))
        }
    }
}

extension YT8MRecordSummary {
    /// Reads the records of `files` in order, ids and labels only (frame lists are skipped), and
    /// calls `body` with each summary, its file and its record index until `body` returns false.
    /// Returns the corrupt records skipped (only with `skipCorrupt`). Throws `TFRecordError`,
    /// `YT8MRecordError` naming the file and record, `FileIOError`, or what `body` throws.
    @discardableResult
    static func scan(_ files: [String], format: YT8MRecordFormat, skipCorrupt: Bool,
                     _ body: (YT8MRecordSummary, _ path: String, _ recordIndex: Int) throws -> Bool) throws -> Int {
        var corrupt = 0
        for path in files {
            let reader = try TFRecordReader(path: path, options: .init(skipCorrupt: skipCorrupt))
            while let bytes = try reader.next() {
                let index = reader.recordIndex - 1
                let summary: YT8MRecordSummary
                do {
                    summary = try YT8MRecordSummary(serialized: bytes, format: format, includeFrames: false)
                } catch var error as YT8MRecordError {
                    error.path = path
                    error.recordIndex = index
                    throw error
                }
                guard try body(summary, path, index) else { return corrupt + reader.corruptRecordCount }
            }
            corrupt += reader.corruptRecordCount
        }
        return corrupt
    }
}
