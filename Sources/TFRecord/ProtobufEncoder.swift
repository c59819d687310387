/// Builds serialized protobuf bytes (wire format only). Nested messages are encoded into their own
/// encoder and appended with a length prefix.
public struct ProtobufEncoder {
    /// The bytes written so far.
    public private(set) var bytes: [UInt8] = []

    /// An empty encoder.
    public init() {}

    /// Writes a tag: varint `(field << 3) | wireType`.
    public mutating func writeTag(field: Int, wireType: ProtobufWireType) {
        writeVarint(UInt64(field) << 3 | UInt64(wireType.rawValue))
    }

    /// Writes a base-128 varint.
    public mutating func writeVarint(_ value: UInt64) {
        var v = value
        while v >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: v) | 0x80)
            v >>= 7
        }
        bytes.append(UInt8(v))
    }

    /// Writes 4 little-endian bytes.
    public mutating func writeFixed32(_ value: UInt32) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }

    /// Writes 8 little-endian bytes.
    public mutating func writeFixed64(_ value: UInt64) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }

    /// Writes a length-delimited field `field` holding `payload`.
    public mutating func writeBytes<C: Collection>(field: Int, _ payload: C) where C.Element == UInt8 {
        writeTag(field: field, wireType: .lengthDelimited)
        writeVarint(UInt64(payload.count))
        bytes.append(contentsOf: payload)
    }

    /// Writes a string field as its UTF-8 bytes.
    public mutating func writeString(field: Int, _ string: String) {
        writeBytes(field: field, Array(string.utf8))
    }

    /// Writes a nested message field; `body` encodes the message's own fields.
    public mutating func writeMessage(field: Int, _ body: (inout ProtobufEncoder) -> Void) {
        var inner = ProtobufEncoder()
        body(&inner)
        writeBytes(field: field, inner.bytes)
    }

    /// Writes a packed repeated `float` field (omitted when empty, as proto3 does).
    public mutating func writePackedFloat(field: Int, _ values: [Float]) {
        guard !values.isEmpty else { return }
        writeTag(field: field, wireType: .lengthDelimited)
        writeVarint(UInt64(values.count * 4))
        bytes.reserveCapacity(bytes.count + values.count * 4)
        for value in values {
            writeFixed32(value.bitPattern)
        }
    }

    /// Writes a packed repeated `int64` field (omitted when empty, as proto3 does).
    public mutating func writePackedInt64(field: Int, _ values: [Int64]) {
        guard !values.isEmpty else { return }
        var inner = ProtobufEncoder()
        for value in values {
            inner.writeVarint(UInt64(bitPattern: value))
        }
        writeBytes(field: field, inner.bytes)
    }
}
