import TFRecord

/// One TensorBoard event (TensorFlow's `tensorflow.Event` protocol buffer,
/// `tensorflow/core/util/event.proto`), as far as training logs need it:
/// `double wall_time = 1; int64 step = 2; oneof what { string file_version = 3;
/// Summary summary = 5; SessionLog session_log = 7; }` with
/// `Summary { repeated Value value = 1; }`,
/// `Value { string tag = 1; oneof { float simple_value = 2; HistogramProto histo = 5; } }`
/// and `SessionLog { SessionStatus status = 1; }` (START = 1).
public struct TensorBoardEvent: Equatable, Sendable {
    /// Seconds since 1970.
    public var wallTime: Double
    /// The training step the event belongs to (TensorBoard's x axis).
    public var step: Int64
    /// What the event holds.
    public var content: Content

    /// The kinds of event a training log writes.
    public enum Content: Equatable, Sendable {
        /// The first event of a file: the format version, `brain.Event:2`.
        case fileVersion(String)
        /// Scalars by tag at `step`.
        case scalars([(tag: String, value: Float)])
        /// Histograms by tag at `step` (weights and gradients).
        case histograms([(tag: String, histogram: Histogram)])
        /// `SessionLog` START: the run (re)starts at `step`, so TensorBoard
        /// drops what an earlier, interrupted run logged after it.
        case sessionStart

        /// Whether two contents are the same kind with equal values (tags, values and histograms compared in order).
        public static func == (a: Content, b: Content) -> Bool {
            switch (a, b) {
            case (.fileVersion(let x), .fileVersion(let y)): return x == y
            case (.scalars(let x), .scalars(let y)): return x.map(\.tag) == y.map(\.tag) && x.map(\.value) == y.map(\.value)
            case (.histograms(let x), .histograms(let y)): return x.map(\.tag) == y.map(\.tag) && x.map(\.histogram) == y.map(\.histogram)
            case (.sessionStart, .sessionStart): return true
            default: return false
            }
        }
    }

    /// TensorFlow's `HistogramProto`: `double min = 1; max = 2; num = 3;
    /// sum = 4; sum_squares = 5; repeated double bucket_limit = 6; repeated
    /// double bucket = 7;`. Bucket i counts the values in
    /// (bucket_limit[i−1], bucket_limit[i]], the first from −∞.
    public struct Histogram: Equatable, Sendable {
        /// The smallest and largest value, how many values there are, their sum and the sum of their squares (all 0 when empty).
        public var min = 0.0, max = 0.0, count = 0.0, sum = 0.0, sumOfSquares = 0.0
        /// The upper edge of each bucket, increasing.
        public var bucketLimits: [Double] = []
        /// The number of values in each bucket.
        public var bucketCounts: [Double] = []

        /// An empty histogram: no values, no buckets.
        public init() {}

        /// The histogram of the finite `values` in `buckets` equal-width
        /// buckets from their minimum to their maximum (one bucket when they
        /// are all equal). Two passes over the values and no copy, so a
        /// parameter of hundreds of millions of elements costs no memory.
        public init<C: Collection>(_ values: C, buckets: Int = 30) where C.Element: BinaryFloatingPoint {
            var lo = Double.infinity, hi = -Double.infinity
            for v in values where v.isFinite {
                let d = Double(v)
                (count, sum, sumOfSquares) = (count + 1, sum + d, sumOfSquares + d * d)
                lo = Swift.min(lo, d)
                hi = Swift.max(hi, d)
            }
            guard count > 0 else { return }
            (min, max) = (lo, hi)
            let n = hi > lo ? Swift.max(buckets, 1) : 1
            let width = (hi - lo) / Double(n)
            bucketLimits = (1...n).map { $0 == n ? hi : lo + Double($0) * width }
            bucketCounts = [Double](repeating: 0, count: n)
            for v in values where v.isFinite {
                let index = width > 0 ? Swift.min(n - 1, Swift.max(0, Int(((Double(v) - lo) / width).rounded(.up)) - 1)) : 0
                bucketCounts[index] += 1
            }
        }

        func write(into e: inout ProtobufEncoder) {
            for (field, v) in [(1, min), (2, max), (3, count), (4, sum), (5, sumOfSquares)] {
                e.writeTag(field: field, wireType: .fixed64)
                e.writeFixed64(v.bitPattern)
            }
            for (field, list) in [(6, bucketLimits), (7, bucketCounts)] {
                e.writeMessage(field: field) { packed in for v in list { packed.writeFixed64(v.bitPattern) } }
            }
        }

        init(decoding d: inout ProtobufDecoder) throws {
            while !d.isAtEnd {
                let (field, wire) = try d.readTag()
                switch (field, wire) {
                case (1...5, .fixed64):
                    let v = Double(bitPattern: try d.readFixed64())
                    switch field { case 1: min = v; case 2: max = v; case 3: count = v; case 4: sum = v; default: sumOfSquares = v }
                case (6, .lengthDelimited), (7, .lengthDelimited):
                    var packed = try d.readMessage(), list: [Double] = []
                    while !packed.isAtEnd { list.append(Double(bitPattern: try packed.readFixed64())) }
                    if field == 6 { bucketLimits = list } else { bucketCounts = list }
                default: try d.skip(wire)
                }
            }
        }
    }

    /// An event at `step` holding `content`, written at `wallTime` (seconds since 1970).
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
        case .histograms(let values):
            e.writeMessage(field: 5) { summary in
                for (tag, histogram) in values {
                    summary.writeMessage(field: 1) { v in
                        v.writeString(field: 1, tag)
                        v.writeMessage(field: 5) { histogram.write(into: &$0) }
                    }
                }
            }
        case .sessionStart:
            e.writeMessage(field: 7) { log in
                log.writeTag(field: 1, wireType: .varint)
                log.writeVarint(1)
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
                var summary = try d.readMessage()
                var values: [(tag: String, value: Float)] = [], histograms: [(tag: String, histogram: Histogram)] = []
                while !summary.isAtEnd {
                    let (f, w) = try summary.readTag()
                    guard f == 1, w == .lengthDelimited else { try summary.skip(w); continue }
                    var value = try summary.readMessage(), tag = "", number: Float = 0, histogram: Histogram?
                    while !value.isAtEnd {
                        let (vf, vw) = try value.readTag()
                        switch (vf, vw) {
                        case (1, .lengthDelimited): tag = try value.readString()
                        case (2, .fixed32): number = Float(bitPattern: try value.readFixed32())
                        case (5, .lengthDelimited):
                            var h = try value.readMessage()
                            histogram = try Histogram(decoding: &h)
                        default: try value.skip(vw)
                        }
                    }
                    if let histogram { histograms.append((tag, histogram)) } else { values.append((tag, number)) }
                }
                content = histograms.isEmpty ? .scalars(values) : .histograms(histograms)
            case (7, .lengthDelimited):
                var log = try d.readMessage()
                while !log.isAtEnd {
                    let (f, w) = try log.readTag()
                    switch (f, w) {
                    case (1, .varint): if try log.readVarint() == 1 { content = .sessionStart }
                    default: try log.skip(w)
                    }
                }
            default: try d.skip(wire)
            }
        }
        self.init(wallTime: wallTime, step: step, content: content)
    }
}
