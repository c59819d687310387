import TFRecord
/// A YouTube-8M record that does not match the expected format: which file and record (when known),
/// which field, and what was wrong.
public struct YT8MRecordError: Error, CustomStringConvertible, Equatable {
    /// What was wrong with the field.
    public enum Problem: Equatable {
        /// The field is absent from the record.
        case missing
        /// The field holds a different `Feature` kind.
        case wrongKind(expected: String, found: String)
        /// The field has the wrong number of values.
        case wrongCount(expected: Int, found: Int)
        /// Frame `frame` of a feature list has the wrong number of bytes.
        case wrongFrameSize(frame: Int, expected: Int, found: Int)
        /// A frame of a feature list is not a single byte string.
        case wrongFrameKind(frame: Int, found: String)
        /// A label outside `0..<numClasses`.
        case labelOutOfRange(label: Int64, numClasses: Int)
        /// The id is not valid UTF-8.
        case invalidID
        /// Value `index` of a float feature is NaN or infinite.
        case nonFinite(index: Int, value: Float)
        /// Segment rating `index` starts at `start`: outside the video's `frames`
        /// frames or not a multiple of the segment length.
        case segmentStartOutOfRange(index: Int, start: Int64, frames: Int?)
        /// Segment rating `index` has a score other than 0 or 1.
        case segmentScoreNotBinary(index: Int, value: Float)
        /// The serialized protobuf could not be decoded.
        case malformedProtobuf(ProtobufDecodingError)
    }

    /// The TFRecord file, when the record came from one.
    public var path: String?
    /// The record's 0-based index in its file, when known.
    public var recordIndex: Int?
    /// The video's id, when the problem was found after the id was read.
    public var videoID: String?
    /// The feature name (e.g. `"mean_rgb"`, `"labels"`) or protobuf field path.
    public var field: String
    /// What was wrong.
    public var problem: Problem

    /// Creates an error for `field`; readers fill in `path` and `recordIndex`.
    public init(path: String? = nil, recordIndex: Int? = nil, videoID: String? = nil, field: String, problem: Problem) {
        self.path = path
        self.recordIndex = recordIndex
        self.videoID = videoID
        self.field = field
        self.problem = problem
    }

    /// The problem in words, naming what was wrong and where.
    public var description: String {
        var location = path.map { "\($0): " } ?? ""
        if let index = recordIndex { location += "record \(index): " }
        if let id = videoID { location += "video \(id): " }
        let what: String
        switch problem {
        case .missing: what = "missing"
        case .wrongKind(let expected, let found): what = "is a \(found), expected \(expected)"
        case .wrongCount(let expected, let found): what = "has \(found) values, expected \(expected)"
        case .wrongFrameSize(let frame, let expected, let found):
            what = "frame \(frame) has \(found) bytes, expected \(expected)"
        case .wrongFrameKind(let frame, let found):
            what = "frame \(frame) is a \(found), expected a bytes_list with one value"
        case .labelOutOfRange(let label, let numClasses): what = "label \(label) is outside 0..<\(numClasses)"
        case .invalidID: what = "id is not valid UTF-8"
        case .nonFinite(let index, let value): what = "value \(index) is \(value)"
        case .segmentStartOutOfRange(let index, let start, let frames):
            what = "value \(index) is \(start): a segment must start at a multiple of \(SegmentRating.length)"
                + (frames.map { " below the video's \($0) frames" } ?? " ≥ 0")
        case .segmentScoreNotBinary(let index, let value): what = "value \(index) is \(value), expected 0 or 1"
        case .malformedProtobuf(let error): return "\(location)\(error)"
        }
        return "\(location)field \"\(field)\" \(what)"
    }
}
