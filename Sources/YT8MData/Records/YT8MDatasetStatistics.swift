import TFRecord
import Tensor
/// Count, minimum, maximum and mean of a stream of integers.
public struct CountSummary: Equatable, Sendable {
    /// Number of values seen.
    public private(set) var count = 0
    /// Smallest value (0 when empty).
    public private(set) var minimum = 0
    /// Largest value (0 when empty).
    public private(set) var maximum = 0
    /// Sum of the values.
    public private(set) var sum = 0

    /// An empty summary.
    public init() {}

    /// Adds one value.
    public mutating func add(_ value: Int) {
        minimum = count == 0 ? value : min(minimum, value)
        maximum = count == 0 ? value : max(maximum, value)
        sum += value
        count += 1
    }

    /// Mean of the values (0 when empty).
    public var mean: Double { count == 0 ? 0 : Double(sum) / Double(count) }
}

/// What `yt8m inspect` reports about a set of YouTube-8M TFRecord files: record counts per level,
/// corrupt records (framing/CRC, see `TFRecordReader`), invalid records (protobuf or YT8M format
/// violations, see `YT8MRecordError`), labels per video, frames per video and a label histogram.
///
/// Every record is decoded fully at its detected level (`YT8MRecordSummary` detection) and checked
/// against `format`; reading never stops at a bad record except where the TFRecord framing is lost.
public struct YT8MDatasetStatistics {
    /// Per-file counts.
    public struct FileReport: Sendable {
        /// The file.
        public var path: String
        /// Records decoded successfully.
        public var validRecords = 0
        /// Records with bad checksums or truncation.
        public var corruptRecords = 0
        /// Records whose contents do not decode as YouTube-8M records.
        public var invalidRecords = 0
        /// Set when reading stopped early because the framing was lost.
        public var stoppedEarly: TFRecordError?
    }

    /// The expected format.
    public let format: YT8MRecordFormat
    /// How many problem messages are kept in `problems`.
    public let problemLimit: Int
    /// One report per file added.
    public private(set) var files: [FileReport] = []
    /// Valid video-level records.
    public private(set) var videoLevelRecords = 0
    /// Valid frame-level records.
    public private(set) var frameLevelRecords = 0
    /// Number of labels per valid video.
    public private(set) var labelsPerVideo = CountSummary()
    /// Frames per valid frame-level video (`num_frames`: the first frame feature's count).
    public private(set) var framesPerVideo = CountSummary()
    /// Frame-level videos whose frame features have different frame counts.
    public private(set) var frameCountMismatches = 0
    /// Occurrences of each class among the labels of valid videos.
    public private(set) var labelCounts: [Int]
    /// The first `problemLimit` problems, as messages naming file and record.
    public private(set) var problems: [String] = []
    /// Total number of problems (corrupt plus invalid records).
    public private(set) var problemCount = 0

    /// Empty statistics for `format`.
    public init(format: YT8MRecordFormat = .yt8m2018, problemLimit: Int = 20) {
        self.format = format
        self.problemLimit = problemLimit
        labelCounts = [Int](repeating: 0, count: format.numClasses)
    }

    /// Corrupt records over all files.
    public var corruptRecords: Int { files.reduce(0) { $0 + $1.corruptRecords } }
    /// Invalid records over all files.
    public var invalidRecords: Int { files.reduce(0) { $0 + $1.invalidRecords } }

    /// The `n` most frequent classes, most frequent first (ties by class index), with their counts.
    public func topLabels(_ n: Int) -> [(label: Int, count: Int)] {
        labelCounts.indices.filter { labelCounts[$0] > 0 }
            .sorted { labelCounts[$0] > labelCounts[$1] || (labelCounts[$0] == labelCounts[$1] && $0 < $1) }
            .prefix(n).map { ($0, labelCounts[$0]) }
    }

    /// Reads one file. Throws only `FileIOError` (unreadable file); record problems are counted.
    public mutating func add(file path: String) throws {
        var report = FileReport(path: path)
        let reader = try TFRecordReader(path: path, options: .init(skipCorrupt: true))
        while let bytes = try reader.next() {
            let index = reader.recordIndex - 1
            do {
                try add(record: bytes)
                report.validRecords += 1
            } catch var error as YT8MRecordError {
                error.path = path
                error.recordIndex = index
                report.invalidRecords += 1
                note(error.description)
            }
        }
        report.corruptRecords = reader.corruptRecordCount
        report.stoppedEarly = reader.unrecoverableError
        for error in reader.skippedErrors { note(error.description) }
        if let error = reader.unrecoverableError { note(error.description) }
        files.append(report)
    }

    private mutating func note(_ message: String) {
        problemCount += 1
        if problems.count < problemLimit { problems.append(message) }
    }

    private mutating func add(record bytes: [UInt8]) throws {
        let summary = try YT8MRecordSummary(serialized: bytes, format: format, includeFrames: false)
        switch summary.level {
        case .video:
            _ = try VideoLevelRecord(serialized: bytes, format: format)
            videoLevelRecords += 1
        case .frame:
            let record = try FrameLevelRecord(serialized: bytes, format: format)
            let counts = format.frameFeatures.indices.map { record.frameCount(feature: $0, format: format) }
            framesPerVideo.add(counts.first ?? 0)
            if Set(counts).count > 1 { frameCountMismatches += 1 }
            frameLevelRecords += 1
        }
        labelsPerVideo.add(summary.labels.count)
        for label in Set(summary.labels) { labelCounts[label] += 1 }
    }
}
