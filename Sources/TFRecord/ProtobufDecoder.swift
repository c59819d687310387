/// A cursor over serialized protobuf bytes (wire format only; message schemas live in the types
/// that use it). Nested messages are decoded by sub-decoders sharing the same byte array, so no
/// bytes are copied until a `bytes` value is extracted.
public struct ProtobufDecoder {
    /// The whole serialized top-level message.
    public let bytes: [UInt8]
    /// Offset of the next byte to read.
    public private(set) var position: Int
    /// One past the last byte of the message being decoded.
    public let end: Int

    /// A decoder over all of `bytes`.
    public init(bytes: [UInt8]) {
        self.bytes = bytes
        self.position = 0
        self.end = bytes.count
    }

    /// A decoder over `range` of `bytes` (a nested message).
    public init(bytes: [UInt8], range: Range<Int>) {
        self.bytes = bytes
        self.position = range.lowerBound
        self.end = range.upperBound
    }

    /// Whether the message has been consumed.
    public var isAtEnd: Bool { position >= end }

    private func error(_ problem: ProtobufDecodingError.Problem, at offset: Int? = nil) -> ProtobufDecodingError {
        ProtobufDecodingError(byteOffset: offset ?? position, problem: problem)
    }

    /// Reads a field tag: `field = tag >> 3`, `wireType = tag & 7`.
    public mutating func readTag() throws -> (field: Int, wireType: ProtobufWireType) {
        let start = position
        let tag = try readVarint()
        guard let type = ProtobufWireType(rawValue: UInt8(tag & 7)) else {
            throw error(.invalidWireType(UInt8(tag & 7)), at: start)
        }
        let field = tag >> 3
        guard field > 0, field <= UInt64(Int32.max) else { throw error(.invalidFieldNumber, at: start) }
        return (Int(field), type)
    }

    /// Reads a base-128 varint (7 bits per byte, little-endian groups, high bit = continuation).
    public mutating func readVarint() throws -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        let start = position
        while true {
            guard position < end else { throw error(.truncatedVarint, at: start) }
            let byte = bytes[position]
            position += 1
            if shift == 63 && byte > 1 { throw error(.varintTooLong, at: start) }
            result |= UInt64(byte & 0x7F) << shift
            if byte & 0x80 == 0 { return result }
            shift += 7
            if shift > 63 { throw error(.varintTooLong, at: start) }
        }
    }

    /// Reads 4 little-endian bytes.
    public mutating func readFixed32() throws -> UInt32 {
        try need(4)
        let value = bytes.withUnsafeBytes { UInt32(littleEndian: $0.loadUnaligned(fromByteOffset: position, as: UInt32.self)) }
        position += 4
        return value
    }

    /// Reads 8 little-endian bytes.
    public mutating func readFixed64() throws -> UInt64 {
        try need(8)
        let value = bytes.withUnsafeBytes { UInt64(littleEndian: $0.loadUnaligned(fromByteOffset: position, as: UInt64.self)) }
        position += 8
        return value
    }

    /// Reads a length prefix and returns the range of the payload, advancing past it.
    public mutating func readLengthDelimited() throws -> Range<Int> {
        let length = try readVarint()
        guard length <= UInt64(end - position) else {
            throw error(.truncated(needed: Int(clamping: length), available: end - position))
        }
        let range = position..<position + Int(length)
        position = range.upperBound
        return range
    }

    /// Reads a length-delimited payload as a byte array.
    public mutating func readBytes() throws -> [UInt8] {
        Array(bytes[try readLengthDelimited()])
    }

    /// Reads a length-delimited payload as a UTF-8 string.
    public mutating func readString() throws -> String {
        let start = position
        let range = try readLengthDelimited()
        guard let string = String(validating: bytes[range], as: UTF8.self) else {
            throw error(.invalidUTF8, at: start)
        }
        return string
    }

    /// A decoder for the nested message whose payload follows.
    public mutating func readMessage() throws -> ProtobufDecoder {
        ProtobufDecoder(bytes: bytes, range: try readLengthDelimited())
    }

    /// Skips a value of an unknown field.
    public mutating func skip(_ wireType: ProtobufWireType) throws {
        switch wireType {
        case .varint: _ = try readVarint()
        case .fixed64: try need(8); position += 8
        case .fixed32: try need(4); position += 4
        case .lengthDelimited: _ = try readLengthDelimited()
        }
    }

    /// Reads one element of a repeated `float` field, or all elements of a packed one, into `values`.
    public mutating func readRepeatedFloat(_ wireType: ProtobufWireType, field: Int, into values: inout [Float]) throws {
        switch wireType {
        case .fixed32:
            values.append(Float(bitPattern: try readFixed32()))
        case .lengthDelimited:
            let start = position
            let range = try readLengthDelimited()
            guard range.count % 4 == 0 else {
                throw error(.packedLengthNotMultiple(length: range.count, of: 4), at: start)
            }
            let count = range.count / 4
            values.reserveCapacity(values.count + count)
            bytes.withUnsafeBytes { raw in
                for i in 0..<count {
                    let bits = UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: range.lowerBound + 4 * i, as: UInt32.self))
                    values.append(Float(bitPattern: bits))
                }
            }
        default:
            throw error(.wrongWireType(field: field, expected: "32-bit or packed", found: wireType))
        }
    }

    /// Reads one element of a repeated `int64` field, or all elements of a packed one, into `values`.
    public mutating func readRepeatedInt64(_ wireType: ProtobufWireType, field: Int, into values: inout [Int64]) throws {
        switch wireType {
        case .varint:
            values.append(Int64(bitPattern: try readVarint()))
        case .lengthDelimited:
            let range = try readLengthDelimited()
            var inner = ProtobufDecoder(bytes: bytes, range: range)
            while !inner.isAtEnd {
                values.append(Int64(bitPattern: try inner.readVarint()))
            }
        default:
            throw error(.wrongWireType(field: field, expected: "varint or packed", found: wireType))
        }
    }

    /// Throws `wrongWireType` unless `wireType == expected`.
    public func expect(_ wireType: ProtobufWireType, _ expected: ProtobufWireType, field: Int) throws {
        guard wireType == expected else {
            throw error(.wrongWireType(field: field, expected: expected.description, found: wireType))
        }
    }

    private func need(_ count: Int) throws {
        guard end - position >= count else { throw error(.truncated(needed: count, available: end - position)) }
    }
}
