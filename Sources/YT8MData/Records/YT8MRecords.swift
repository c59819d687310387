import TFRecord
/// A typed YouTube-8M record that converts to and from its serialized protobuf.
public protocol YT8MRecord: Sendable {
    /// The video id.
    var id: String { get }
    /// The class indices, each in `0..<numClasses`.
    var labels: [Int] { get }
    /// Decodes and validates a serialized record. Throws `YT8MRecordError` naming the field.
    init(serialized: [UInt8], format: YT8MRecordFormat) throws
    /// Validates and serializes the record. Throws `YT8MRecordError` naming the field.
    func serialized(format: YT8MRecordFormat) throws -> [UInt8]
}

/// A video-level record (`tf.train.Example`): `id` (bytes), `labels` (int64 list) and one float
/// list per `format.videoFeatures` entry (`mean_rgb` 1024, `mean_audio` 128 by default),
/// following google/youtube-8m `readers.py` `YT8MAggregatedFeatureReader`.
public struct VideoLevelRecord: YT8MRecord, Equatable {
    /// The video id.
    public var id: String
    /// The class indices.
    public var labels: [Int]
    /// One array per `format.videoFeatures` entry, in that order, each of that entry's size.
    public var features: [[Float]]

    /// Creates a record; `features` must follow the order of the format's `videoFeatures`.
    public init(id: String, labels: [Int], features: [[Float]]) {
        self.id = id
        self.labels = labels
        self.features = features
    }

    /// The features concatenated in format order (the reader's 1152-d `video_matrix` row).
    public var concatenatedFeatures: [Float] { features.flatMap { $0 } }

    /// Decodes a `tf.train.Example`; checks the id, labels in `0..<numClasses` and each float
    /// feature's count. Throws `YT8MRecordError` naming the field.
    public init(serialized bytes: [UInt8], format: YT8MRecordFormat) throws {
        let example: Example
        do {
            example = try Example(serialized: bytes)
        } catch let error as ProtobufDecodingError {
            throw YT8MRecordError(field: error.field, problem: .malformedProtobuf(error))
        }
        let map = example.features.feature
        id = try YT8MFields.decodeID(map, format: format)
        labels = try YT8MFields.decodeLabels(map, format: format)
        let id = self.id
        features = try format.videoFeatures.map { spec in
            try YT8MFields.decodeFloats(map, name: spec.name, size: spec.size, videoID: id)
        }
    }

    /// Serializes as a `tf.train.Example` (packed float lists); throws `YT8MRecordError` if a
    /// feature's count differs from the format or a label is out of range.
    public func serialized(format: YT8MRecordFormat) throws -> [UInt8] {
        var map = try YT8MFields.encodeContext(id: id, labels: labels, format: format)
        guard features.count == format.videoFeatures.count else {
            throw YT8MRecordError(field: "features",
                                  problem: .wrongCount(expected: format.videoFeatures.count, found: features.count))
        }
        for (spec, values) in zip(format.videoFeatures, features) {
            guard values.count == spec.size else {
                throw YT8MRecordError(field: spec.name, problem: .wrongCount(expected: spec.size, found: values.count))
            }
            map[spec.name] = .floatList(values)
        }
        return Example(features: Features(map)).serialized()
    }
}

/// A frame-level record (`tf.train.SequenceExample`): context `id` and `labels`, and one feature
/// list per `format.frameFeatures` entry (`rgb` 1024, `audio` 128 by default) holding one byte
/// string of `size` quantized uint8 values per frame (google/youtube-8m `YT8MFrameFeatureReader`).
///
/// Frames are kept quantized (a quarter of the memory of floats); `dequantizedFrames` applies
/// `YT8MQuantization.dequantize`. Each feature keeps its own frame count, as the starter reader
/// does (it pads each feature to `max_frames` separately and takes `num_frames` from the first).
public struct FrameLevelRecord: YT8MRecord, Equatable {
    /// The video id.
    public var id: String
    /// The class indices.
    public var labels: [Int]
    /// One array per `format.frameFeatures` entry: `frameCount × size` bytes, frame-major.
    public var frames: [[UInt8]]
    /// The segment ratings of the 2019 segment-rated files (context features
    /// `segment_labels`, `segment_start_times`, `segment_scores`); empty in
    /// video-rated files.
    public var segmentRatings: [SegmentRating]

    /// Creates a record; `frames` must follow the order of the format's `frameFeatures`.
    public init(id: String, labels: [Int], frames: [[UInt8]], segmentRatings: [SegmentRating] = []) {
        self.id = id
        self.labels = labels
        self.frames = frames
        self.segmentRatings = segmentRatings
    }

    /// Number of frames of feature `index` (bytes divided by that feature's width).
    public func frameCount(feature index: Int, format: YT8MRecordFormat) -> Int {
        frames[index].count / format.frameFeatures[index].size
    }

    /// `num_frames` as the starter reader defines it: the frame count of the first feature.
    public func numFrames(format: YT8MRecordFormat) -> Int {
        frames.isEmpty ? 0 : frameCount(feature: 0, format: format)
    }

    /// Feature `index` dequantized to floats, `frameCount × size`, frame-major.
    public func dequantizedFrames(feature index: Int, format: YT8MRecordFormat) -> [Float] {
        format.quantization.dequantize(frames[index])
    }

    /// Decodes a `tf.train.SequenceExample`; checks the id, labels and that every frame is one
    /// byte string of the feature's size. Throws `YT8MRecordError` naming the field (and frame).
    public init(serialized bytes: [UInt8], format: YT8MRecordFormat) throws {
        let example: SequenceExample
        do {
            example = try SequenceExample(serialized: bytes)
        } catch let error as ProtobufDecodingError {
            throw YT8MRecordError(field: error.field, problem: .malformedProtobuf(error))
        }
        let context = example.context.feature
        id = try YT8MFields.decodeID(context, format: format)
        labels = try YT8MFields.decodeLabels(context, format: format)
        frames = try format.frameFeatures.map { spec in
            guard let list = example.featureLists.featureList[spec.name] else {
                throw YT8MRecordError(field: spec.name, problem: .missing)
            }
            var bytes: [UInt8] = []
            bytes.reserveCapacity(list.count * spec.size)
            for (frame, feature) in list.enumerated() {
                guard case .bytesList(let values) = feature, values.count == 1 else {
                    let found: String
                    if case .bytesList(let values) = feature { found = "bytes_list of \(values.count) values" } else { found = feature.kindName }
                    throw YT8MRecordError(field: spec.name, problem: .wrongFrameKind(frame: frame, found: found))
                }
                guard values[0].count == spec.size else {
                    throw YT8MRecordError(field: spec.name,
                                          problem: .wrongFrameSize(frame: frame, expected: spec.size, found: values[0].count))
                }
                bytes.append(contentsOf: values[0])
            }
            return bytes
        }
        segmentRatings = []   // every property set, so numFrames(format:) can be asked
        segmentRatings = try SegmentRatingFields.decode(context, frameCount: numFrames(format: format), format: format, videoID: id)
    }

    /// Serializes as a `tf.train.SequenceExample`, one bytes_list entry per frame; throws
    /// `YT8MRecordError` if a feature's bytes are not whole frames or a label is out of range.
    public func serialized(format: YT8MRecordFormat) throws -> [UInt8] {
        var context = try YT8MFields.encodeContext(id: id, labels: labels, format: format)
        guard frames.count == format.frameFeatures.count else {
            throw YT8MRecordError(field: "frames",
                                  problem: .wrongCount(expected: format.frameFeatures.count, found: frames.count))
        }
        var lists: [String: [Feature]] = [:]
        for (spec, bytes) in zip(format.frameFeatures, frames) {
            guard bytes.count % spec.size == 0 else {
                throw YT8MRecordError(field: spec.name,
                                      problem: .wrongFrameSize(frame: bytes.count / spec.size, expected: spec.size,
                                                               found: bytes.count % spec.size))
            }
            lists[spec.name] = stride(from: 0, to: bytes.count, by: spec.size).map {
                .bytesList([Array(bytes[$0..<$0 + spec.size])])
            }
        }
        try SegmentRatingFields.encode(segmentRatings, into: &context, frameCount: numFrames(format: format),
                                       format: format, videoID: id)
        return SequenceExample(context: Features(context), featureLists: FeatureLists(lists)).serialized()
    }
}

/// The `id` and `labels` fields shared by both record levels.
enum YT8MFields {
    /// Float feature `name`: a float list of `size` values, all finite (a NaN
    /// or ∞ in the features would silently poison every weight it reaches).
    static func decodeFloats(_ map: [String: Feature], name: String, size: Int, videoID: String) throws -> [Float] {
        guard let feature = map[name] else {
            throw YT8MRecordError(field: name, problem: .missing)
        }
        guard case .floatList(let values) = feature else {
            throw YT8MRecordError(field: name, problem: .wrongKind(expected: "float_list", found: feature.kindName))
        }
        guard values.count == size else {
            throw YT8MRecordError(field: name, problem: .wrongCount(expected: size, found: values.count))
        }
        if let i = values.firstIndex(where: { !$0.isFinite }) {
            throw YT8MRecordError(videoID: videoID, field: name, problem: .nonFinite(index: i, value: values[i]))
        }
        return values
    }

    static func decodeID(_ map: [String: Feature], format: YT8MRecordFormat) throws -> String {
        guard let feature = map[format.idKey] else {
            throw YT8MRecordError(field: format.idKey, problem: .missing)
        }
        guard case .bytesList(let values) = feature else {
            throw YT8MRecordError(field: format.idKey, problem: .wrongKind(expected: "bytes_list", found: feature.kindName))
        }
        guard values.count == 1 else {
            throw YT8MRecordError(field: format.idKey, problem: .wrongCount(expected: 1, found: values.count))
        }
        guard let id = String(validating: values[0], as: UTF8.self) else {
            throw YT8MRecordError(field: format.idKey, problem: .invalidID)
        }
        return id
    }

    /// Labels; an absent `labels` feature means no labels (as in unlabelled test partitions).
    static func decodeLabels(_ map: [String: Feature], format: YT8MRecordFormat) throws -> [Int] {
        guard let feature = map[format.labelsKey] else { return [] }
        guard case .int64List(let values) = feature else {
            if case .unset = feature { return [] }
            throw YT8MRecordError(field: format.labelsKey, problem: .wrongKind(expected: "int64_list", found: feature.kindName))
        }
        return try values.map { label in
            guard label >= 0, label < Int64(format.numClasses) else {
                throw YT8MRecordError(field: format.labelsKey,
                                      problem: .labelOutOfRange(label: label, numClasses: format.numClasses))
            }
            return Int(label)
        }
    }

    static func encodeContext(id: String, labels: [Int], format: YT8MRecordFormat) throws -> [String: Feature] {
        for label in labels where label < 0 || label >= format.numClasses {
            throw YT8MRecordError(field: format.labelsKey,
                                  problem: .labelOutOfRange(label: Int64(label), numClasses: format.numClasses))
        }
        return [
            format.idKey: .bytesList([Array(id.utf8)]),
            format.labelsKey: .int64List(labels.map(Int64.init)),
        ]
    }
}
