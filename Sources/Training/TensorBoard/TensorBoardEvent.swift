import TFRecord

/// One TensorBoard event (TensorFlow's `tensorflow.Event` protocol buffer,
/// `tensorflow/core/util/event.proto`), as far as scalar logs need it:
/// `double wall_time = 1; int64 step = 2; oneof what { string file_version = 3;
/// Summary summary = 5; }` with `Summary { repeated Value value = 1; }` and
/// `Value { string tag = 1; float simple_value = 2; }`.
public struct TensorBoardEvent: Equatable, Sendable {
    /// Seconds since 1970.
    public var wallTime: Double
    public var step: Int64
    /// What the event holds.
    public var content: Content

    /// The kinds of event a scalar log writes.
    public enum Content: Equatable, Sendable {
        /// The first event of a file: the format version, `brain.Event:2`.
        case fileVersion(String)
        /// Scalars by tag at `step`.
        case scalars([(tag: String, value: Float)])

        public static func == (a: Content, b: Content) -> Bool {
            switch (a, b) {
            case (.fileVersion(let x), .fileVersion(let y)): return x == y
            case (.scalars(let x), .scalars(let y)): return x.map(\.tag) == y.map(\.tag) && x.map(\.value) == y.map(\.value)
            default: return false
            }
        }
    }

    public init(wallTime: Double, step: Int64, content: Content) {
        self.wallTime = wallTime
        self.step = step
        self.content = content
    }

    /// The serialized protocol buffer.
    public var serialized: [UInt8] {
        var e = ProtobufEncoder()
        e.writeTag(field: 1, wireType: .fixed64)
        e.writeFixed64(wallTime.bitPattern)
        e.writeTag(field: 2, wireType: .varint)
        e.writeVarint(UInt64(bitPattern: step))
        switch content {
        case .fileVersion(let v): e.writeString(field: 3, v)
        case .scalars(let values):
            e.writeMessage(field: 5) { summary in
                for (tag, value) in values {
                    summary.writeMessage(field: 1) { v in
                        v.writeString(field: 1, tag)
                        v.writeTag(field: 2, wireType: .fixed32)
                        v.writeFixed32(value.bitPattern)
                    }
                }
            }
        }
        return e.bytes
    }

    /// Decodes the fields above from a serialized event (others are skipped).
    public init(serialized bytes: [UInt8]) throws {
        var d = ProtobufDecoder(bytes: bytes)
        var wallTime = 0.0, step: Int64 = 0, content = Content.scalars([])
        while !d.isAtEnd {
            let (field, wire) = try d.readTag()
            switch (field, wire) {
            case (1, .fixed64): wallTime = Double(bitPattern: try d.readFixed64())
            case (2, .varint): step = Int64(bitPattern: try d.readVarint())
            case (3, .lengthDelimited): content = .fileVersion(try d.readString())
            case (5, .lengthDelimited):
                var summary = try d.readMessage(), values: [(tag: String, value: Float)] = []
                while !summary.isAtEnd {
                    let (f, w) = try summary.readTag()
                    guard f == 1, w == .lengthDelimited else { try summary.skip(w); continue }
                    var value = try summary.readMessage(), tag = "", number: Float = 0
                    while !value.isAtEnd {
                        let (vf, vw) = try value.readTag()
                        switch (vf, vw) {
                        case (1, .lengthDelimited): tag = try value.readString()
                        case (2, .fixed32): number = Float(bitPattern: try value.readFixed32())
                        default: try value.skip(vw)
                        }
                    }
                    values.append((tag, number))
                }
                content = .scalars(values)
            default: try d.skip(wire)
            }
        }
        self.init(wallTime: wallTime, step: step, content: content)
    }
}
