/// `tensorflow.Example` (tensorflow/core/example/example.proto): `Features features = 1`.
/// YouTube-8M video-level records are `Example`s.
public struct Example: Equatable, Sendable {
    /// The feature map.
    public var features: Features

    /// Creates an example from a feature map.
    public init(features: Features = Features()) {
        self.features = features
    }

    /// Decodes a serialized `Example`. Throws `ProtobufDecodingError` naming the failing field.
    public init(serialized bytes: [UInt8]) throws {
        var decoder = ProtobufDecoder(bytes: bytes)
        var features = Features()
        do {
            while !decoder.isAtEnd {
                let (field, wireType) = try decoder.readTag()
                guard field == 1 else { try decoder.skip(wireType); continue }
                try decodingField("features") {
                    try decoder.expect(wireType, .lengthDelimited, field: field)
                    var inner = try decoder.readMessage()
                    try features.merge(from: &inner)
                }
            }
        } catch var error as ProtobufDecodingError {
            error.messageType = "tensorflow.Example"
            throw error
        }
        self.features = features
    }

    /// The serialized message.
    public func serialized() -> [UInt8] {
        var encoder = ProtobufEncoder()
        encoder.writeMessage(field: 1) { features.encode(into: &$0) }
        return encoder.bytes
    }
}

/// `tensorflow.SequenceExample`: `Features context = 1`, `FeatureLists feature_lists = 2`.
/// YouTube-8M frame-level records are `SequenceExample`s.
public struct SequenceExample: Equatable, Sendable {
    /// Per-example features (YouTube-8M: `id`, `labels`).
    public var context: Features
    /// Per-frame features (YouTube-8M: `rgb`, `audio`, one byte string per frame).
    public var featureLists: FeatureLists

    /// Creates a sequence example.
    public init(context: Features = Features(), featureLists: FeatureLists = FeatureLists()) {
        self.context = context
        self.featureLists = featureLists
    }

    /// Decodes a serialized `SequenceExample`; with `includeFeatureLists: false` the per-frame data
    /// is skipped without being decoded (enough to read ids and labels cheaply).
    public init(serialized bytes: [UInt8], includeFeatureLists: Bool = true) throws {
        var decoder = ProtobufDecoder(bytes: bytes)
        var context = Features()
        var featureLists = FeatureLists()
        do {
            while !decoder.isAtEnd {
                let (field, wireType) = try decoder.readTag()
                switch field {
                case 1:
                    try decodingField("context") {
                        try decoder.expect(wireType, .lengthDelimited, field: field)
                        var inner = try decoder.readMessage()
                        try context.merge(from: &inner)
                    }
                case 2 where includeFeatureLists:
                    try decodingField("feature_lists") {
                        try decoder.expect(wireType, .lengthDelimited, field: field)
                        var inner = try decoder.readMessage()
                        try featureLists.merge(from: &inner)
                    }
                default:
                    try decoder.skip(wireType)
                }
            }
        } catch var error as ProtobufDecodingError {
            error.messageType = "tensorflow.SequenceExample"
            throw error
        }
        self.context = context
        self.featureLists = featureLists
    }

    /// The serialized message.
    public func serialized() -> [UInt8] {
        var encoder = ProtobufEncoder()
        encoder.writeMessage(field: 1) { context.encode(into: &$0) }
        encoder.writeMessage(field: 2) { featureLists.encode(into: &$0) }
        return encoder.bytes
    }
}
