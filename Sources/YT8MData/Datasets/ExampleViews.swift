import TFRecord
/// A frame-level record (`tf.train.SequenceExample`) parsed without copying its frames: the id, the
/// labels, the optional teacher predictions and, per frame feature, the byte offset of every
/// frame's payload inside the serialized bytes.
///
/// This is the dataset's fast path: it checks everything `FrameLevelRecord(serialized:format:)`
/// checks (each frame one byte string of the feature's size; id and labels valid) with the same
/// `YT8MRecordError`s, but makes no per-frame allocation. Feature lists other than the format's
/// frame features are skipped after their framing is checked.
struct FrameLevelExampleView {
    /// The video id.
    var id: String
    /// The labels, each in `0..<numClasses`.
    var labels: [Int]
    /// The teacher predictions context feature, when asked for and present.
    var teacherPredictions: [Float]?
    /// Per `format.frameFeatures` entry, the offset of each frame's bytes in the serialized record.
    var frameOffsets: [[Int]]
    /// The 2019 segment ratings (none in video-rated files), checked as ``FrameLevelRecord`` checks them.
    var segmentRatings: [SegmentRating]

    /// Number of frames of feature `index`.
    func frameCount(feature index: Int) -> Int { frameOffsets[index].count }

    /// Parses `bytes`. `predictionsKey`, when given, names an optional float-list context feature
    /// of `numClasses` values. Throws `YT8MRecordError` naming the field (without file and record,
    /// which the caller adds).
    init(serialized bytes: [UInt8], format: YT8MRecordFormat, predictionsKey: String?) throws {
        var context = Features()
        var offsets = [[Int]](repeating: [], count: format.frameFeatures.count)
        var seen = [Bool](repeating: false, count: format.frameFeatures.count)
        do {
            var decoder = ProtobufDecoder(bytes: bytes)
            while !decoder.isAtEnd {
                let (field, wireType) = try decoder.readTag()
                switch field {
                case 1:
                    try decodingField("context") {
                        try decoder.expect(wireType, .lengthDelimited, field: field)
                        var inner = try decoder.readMessage()
                        try context.merge(from: &inner)
                    }
                case 2:
                    try decodingField("feature_lists") {
                        try decoder.expect(wireType, .lengthDelimited, field: field)
                        var lists = try decoder.readMessage()
                        try Self.parseFeatureLists(&lists, format: format, offsets: &offsets, seen: &seen)
                    }
                default:
                    try decoder.skip(wireType)
                }
            }
        } catch var error as ProtobufDecodingError {
            error.messageType = "tensorflow.SequenceExample"
            throw YT8MRecordError(field: error.field, problem: .malformedProtobuf(error))
        }
        for (index, spec) in format.frameFeatures.enumerated() where !seen[index] {
            throw YT8MRecordError(field: spec.name, problem: .missing)
        }
        let map = context.feature
        let id = try YT8MFields.decodeID(map, format: format)
        self.id = id
        labels = try YT8MFields.decodeLabels(map, format: format)
        teacherPredictions = try predictionsKey.flatMap { try decodeTeacherPredictions(map, key: $0, format: format, videoID: id) }
        frameOffsets = offsets
        segmentRatings = try SegmentRatingFields.decode(map, frameCount: offsets.first?.count ?? 0, format: format, videoID: id)
    }

    /// `FeatureLists` body: entries `key = 1`, `FeatureList value = 2`; a later entry for the same
    /// key replaces the earlier one (map semantics).
    private static func parseFeatureLists(_ lists: inout ProtobufDecoder, format: YT8MRecordFormat,
                                          offsets: inout [[Int]], seen: inout [Bool]) throws {
        while !lists.isAtEnd {
            let (field, wireType) = try lists.readTag()
            guard field == 1 else { try lists.skip(wireType); continue }
            try decodingField("feature_list") {
                try lists.expect(wireType, .lengthDelimited, field: field)
                var entry = try lists.readMessage()
                var key = ""
                var value: ProtobufDecoder?
                while !entry.isAtEnd {
                    let (entryField, entryType) = try entry.readTag()
                    switch entryField {
                    case 1:
                        try decodingField("key") {
                            try entry.expect(entryType, .lengthDelimited, field: entryField)
                            key = try entry.readString()
                        }
                    case 2:
                        try decodingField("value") {
                            try entry.expect(entryType, .lengthDelimited, field: entryField)
                            value = try entry.readMessage()
                        }
                    default:
                        try entry.skip(entryType)
                    }
                }
                let index = format.frameFeatures.firstIndex { $0.name == key }
                guard var list = value else {
                    if let index { offsets[index] = []; seen[index] = true }
                    return
                }
                try decodingField("[\"\(key)\"]") {
                    if let index {
                        offsets[index] = try parseFrames(&list, spec: format.frameFeatures[index])
                        seen[index] = true
                    } else {
                        try checkFraming(&list)
                    }
                }
            }
        }
    }

    /// `FeatureList` body: `repeated Feature feature = 1`; each frame must be a `bytes_list` holding
    /// one value of `spec.size` bytes. Returns each frame's payload offset.
    private static func parseFrames(_ list: inout ProtobufDecoder, spec: YT8MFeatureSpec) throws -> [Int] {
        var result: [Int] = []
        while !list.isAtEnd {
            let (field, wireType) = try list.readTag()
            guard field == 1 else { try list.skip(wireType); continue }
            let frame = result.count
            let (kind, count, payload) = try lazilyNamedField("feature[\(frame)]") { () throws -> (String, Int, Range<Int>) in
                try list.expect(wireType, .lengthDelimited, field: field)
                var feature = try list.readMessage()
                // Oneof semantics: the last kind wins; repeated bytes_list occurrences concatenate.
                var kind = "unset", count = 0
                var payload = 0..<0
                while !feature.isAtEnd {
                    let (kindField, kindType) = try feature.readTag()
                    switch kindField {
                    case 1:
                        if kind != "bytes_list" { count = 0 }
                        kind = "bytes_list"
                        try decodingField("bytes_list") {
                            try feature.expect(kindType, .lengthDelimited, field: kindField)
                            var values = try feature.readMessage()
                            while !values.isAtEnd {
                                let (valueField, valueType) = try values.readTag()
                                guard valueField == 1 else { try values.skip(valueType); continue }
                                try decodingField("value") {
                                    try values.expect(valueType, .lengthDelimited, field: valueField)
                                    payload = try values.readLengthDelimited()
                                    count += 1
                                }
                            }
                        }
                    case 2, 3:
                        kind = kindField == 2 ? "float_list" : "int64_list"
                        try decodingField(kind) {
                            try feature.expect(kindType, .lengthDelimited, field: kindField)
                            _ = try feature.readLengthDelimited()
                        }
                    default:
                        try feature.skip(kindType)
                    }
                }
                return (kind, count, payload)
            }
            guard kind == "bytes_list", count == 1 else {
                let found = kind == "bytes_list" ? "bytes_list of \(count) values" : kind
                throw YT8MRecordError(field: spec.name, problem: .wrongFrameKind(frame: frame, found: found))
            }
            guard payload.count == spec.size else {
                throw YT8MRecordError(field: spec.name,
                                      problem: .wrongFrameSize(frame: frame, expected: spec.size, found: payload.count))
            }
            result.append(payload.lowerBound)
        }
        return result
    }

    /// Walks a `FeatureList` that is not used, checking only that it is well formed.
    private static func checkFraming(_ list: inout ProtobufDecoder) throws {
        while !list.isAtEnd {
            let (_, wireType) = try list.readTag()
            try list.skip(wireType)
        }
    }
}

/// A video-level record (`tf.train.Example`) decoded for the dataset: id, labels, the concatenated
/// features in format order, and the optional teacher predictions.
struct VideoLevelExampleView {
    var id: String
    var labels: [Int]
    var features: [Float]
    var teacherPredictions: [Float]?

    /// Decodes and checks `bytes` as `VideoLevelRecord` does; throws `YT8MRecordError` naming the field.
    init(serialized bytes: [UInt8], format: YT8MRecordFormat, predictionsKey: String?) throws {
        let example: Example
        do {
            example = try Example(serialized: bytes)
        } catch let error as ProtobufDecodingError {
            throw YT8MRecordError(field: error.field, problem: .malformedProtobuf(error))
        }
        let map = example.features.feature
        let id = try YT8MFields.decodeID(map, format: format)
        self.id = id
        labels = try YT8MFields.decodeLabels(map, format: format)
        var features: [Float] = []
        features.reserveCapacity(format.videoFeatureWidth)
        for spec in format.videoFeatures {
            features.append(contentsOf: try YT8MFields.decodeFloats(map, name: spec.name, size: spec.size, videoID: id))
        }
        self.features = features
        teacherPredictions = try predictionsKey.flatMap { try decodeTeacherPredictions(map, key: $0, format: format, videoID: id) }
    }
}

/// The teacher predictions context feature (miha `prepare_distill_dataset.py`): a float list of
/// `numClasses` values, or nil when the record has no such feature.
private func decodeTeacherPredictions(_ map: [String: Feature], key: String, format: YT8MRecordFormat,
                                      videoID: String) throws -> [Float]? {
    guard map[key] != nil else { return nil }
    return try YT8MFields.decodeFloats(map, name: key, size: format.numClasses, videoID: videoID)
}

/// `decodingField` with a name built only when an error passes through (the per-frame path must not
/// format a string per frame).
@inline(__always)
private func lazilyNamedField<T>(_ name: @autoclosure () -> String, _ body: () throws -> T) throws -> T {
    do {
        return try body()
    } catch var error as ProtobufDecodingError {
        error.fieldPath.insert(name(), at: 0)
        throw error
    }
}
