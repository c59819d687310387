/// `tensorflow.Feature` (tensorflow/core/example/feature.proto): a oneof of
/// `BytesList bytes_list = 1`, `FloatList float_list = 2`, `Int64List int64_list = 3`, each a
/// `repeated … value = 1` (floats and int64s packed when written; both forms accepted when read).
public enum Feature: Equatable, Sendable {
    /// `bytes_list`: a list of byte strings.
    case bytesList([[UInt8]])
    /// `float_list`: a list of 32-bit floats.
    case floatList([Float])
    /// `int64_list`: a list of 64-bit integers.
    case int64List([Int64])
    /// No kind set (an empty `Feature {}` message).
    case unset

    /// The proto name of the kind, as used in error messages.
    public var kindName: String {
        switch self {
        case .bytesList: return "bytes_list"
        case .floatList: return "float_list"
        case .int64List: return "int64_list"
        case .unset: return "unset"
        }
    }

    /// Decodes a `Feature` message. Repeated occurrences of the same kind merge (lists concatenate);
    /// a different kind replaces the earlier one, as protobuf oneof semantics require.
    public static func decode(_ decoder: inout ProtobufDecoder) throws -> Feature {
        var result = Feature.unset
        while !decoder.isAtEnd {
            let (field, wireType) = try decoder.readTag()
            switch field {
            case 1:
                var values: [[UInt8]] = []
                if case .bytesList(let earlier) = result { values = earlier }
                try decodingField("bytes_list") {
                    try decoder.expect(wireType, .lengthDelimited, field: field)
                    var list = try decoder.readMessage()
                    while !list.isAtEnd {
                        let (inner, innerType) = try list.readTag()
                        if inner == 1 {
                            try decodingField("value") {
                                try list.expect(innerType, .lengthDelimited, field: inner)
                                values.append(try list.readBytes())
                            }
                        } else {
                            try list.skip(innerType)
                        }
                    }
                }
                result = .bytesList(values)
            case 2:
                var values: [Float] = []
                if case .floatList(let earlier) = result { values = earlier }
                try decodingField("float_list") {
                    try decoder.expect(wireType, .lengthDelimited, field: field)
                    var list = try decoder.readMessage()
                    while !list.isAtEnd {
                        let (inner, innerType) = try list.readTag()
                        if inner == 1 {
                            try decodingField("value") { try list.readRepeatedFloat(innerType, field: inner, into: &values) }
                        } else {
                            try list.skip(innerType)
                        }
                    }
                }
                result = .floatList(values)
            case 3:
                var values: [Int64] = []
                if case .int64List(let earlier) = result { values = earlier }
                try decodingField("int64_list") {
                    try decoder.expect(wireType, .lengthDelimited, field: field)
                    var list = try decoder.readMessage()
                    while !list.isAtEnd {
                        let (inner, innerType) = try list.readTag()
                        if inner == 1 {
                            try decodingField("value") { try list.readRepeatedInt64(innerType, field: inner, into: &values) }
                        } else {
                            try list.skip(innerType)
                        }
                    }
                }
                result = .int64List(values)
            default:
                try decoder.skip(wireType)
            }
        }
        return result
    }

    /// Encodes this feature's fields (the body of a `Feature` message). An empty list is still
    /// written as an empty sub-message so that the kind survives the round trip.
    public func encode(into encoder: inout ProtobufEncoder) {
        switch self {
        case .bytesList(let values):
            encoder.writeMessage(field: 1) { list in
                for value in values { list.writeBytes(field: 1, value) }
            }
        case .floatList(let values):
            encoder.writeMessage(field: 2) { $0.writePackedFloat(field: 1, values) }
        case .int64List(let values):
            encoder.writeMessage(field: 3) { $0.writePackedInt64(field: 1, values) }
        case .unset:
            break
        }
    }
}

/// `tensorflow.Features`: `map<string, Feature> feature = 1` (wire form: repeated entries with
/// `string key = 1`, `Feature value = 2`; a later entry with the same key wins).
public struct Features: Equatable, Sendable {
    /// Feature name → feature.
    public var feature: [String: Feature]

    /// Creates a feature map.
    public init(_ feature: [String: Feature] = [:]) {
        self.feature = feature
    }

    /// Decodes the body of a `Features` message, merging into `self`.
    public mutating func merge(from decoder: inout ProtobufDecoder) throws {
        while !decoder.isAtEnd {
            let (field, wireType) = try decoder.readTag()
            guard field == 1 else { try decoder.skip(wireType); continue }
            try decodingField("feature") {
                try decoder.expect(wireType, .lengthDelimited, field: field)
                var entry = try decoder.readMessage()
                var key = ""
                var value = Feature.unset
                while !entry.isAtEnd {
                    let (entryField, entryType) = try entry.readTag()
                    switch entryField {
                    case 1:
                        try decodingField("key") {
                            try entry.expect(entryType, .lengthDelimited, field: entryField)
                            key = try entry.readString()
                        }
                    case 2:
                        try decodingField("[\"\(key)\"]") {
                            try entry.expect(entryType, .lengthDelimited, field: entryField)
                            var inner = try entry.readMessage()
                            value = try Feature.decode(&inner)
                        }
                    default:
                        try entry.skip(entryType)
                    }
                }
                feature[key] = value
            }
        }
    }

    /// Encodes the body of a `Features` message, entries in key order (deterministic output).
    public func encode(into encoder: inout ProtobufEncoder) {
        for key in feature.keys.sorted() {
            let value = feature[key]!
            encoder.writeMessage(field: 1) { entry in
                entry.writeString(field: 1, key)
                entry.writeMessage(field: 2) { value.encode(into: &$0) }
            }
        }
    }
}

/// `tensorflow.FeatureLists`: `map<string, FeatureList> feature_list = 1`, where
/// `FeatureList` is `repeated Feature feature = 1` (one `Feature` per time step).
public struct FeatureLists: Equatable, Sendable {
    /// Feature name → one feature per frame.
    public var featureList: [String: [Feature]]

    /// Creates a feature-list map.
    public init(_ featureList: [String: [Feature]] = [:]) {
        self.featureList = featureList
    }

    /// Decodes the body of a `FeatureLists` message, merging into `self`.
    public mutating func merge(from decoder: inout ProtobufDecoder) throws {
        while !decoder.isAtEnd {
            let (field, wireType) = try decoder.readTag()
            guard field == 1 else { try decoder.skip(wireType); continue }
            try decodingField("feature_list") {
                try decoder.expect(wireType, .lengthDelimited, field: field)
                var entry = try decoder.readMessage()
                var key = ""
                var frames: [Feature] = []
                while !entry.isAtEnd {
                    let (entryField, entryType) = try entry.readTag()
                    switch entryField {
                    case 1:
                        try decodingField("key") {
                            try entry.expect(entryType, .lengthDelimited, field: entryField)
                            key = try entry.readString()
                        }
                    case 2:
                        try decodingField("[\"\(key)\"]") {
                            try entry.expect(entryType, .lengthDelimited, field: entryField)
                            var list = try entry.readMessage()
                            frames = []
                            while !list.isAtEnd {
                                let (listField, listType) = try list.readTag()
                                guard listField == 1 else { try list.skip(listType); continue }
                                try decodingField("feature[\(frames.count)]") {
                                    try list.expect(listType, .lengthDelimited, field: listField)
                                    var inner = try list.readMessage()
                                    frames.append(try Feature.decode(&inner))
                                }
                            }
                        }
                    default:
                        try entry.skip(entryType)
                    }
                }
                featureList[key] = frames
            }
        }
    }

    /// Encodes the body of a `FeatureLists` message, entries in key order.
    public func encode(into encoder: inout ProtobufEncoder) {
        for key in featureList.keys.sorted() {
            let frames = featureList[key]!
            encoder.writeMessage(field: 1) { entry in
                entry.writeString(field: 1, key)
                entry.writeMessage(field: 2) { list in
                    for frame in frames {
                        list.writeMessage(field: 1) { frame.encode(into: &$0) }
                    }
                }
            }
        }
    }
}
