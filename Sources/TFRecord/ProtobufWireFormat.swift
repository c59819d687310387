/// The four protobuf wire types used by proto3 (https://protobuf.dev/programming-guides/encoding/):
/// a tag is the varint `(fieldNumber << 3) | wireType`.
public enum ProtobufWireType: UInt8, Sendable, CustomStringConvertible {
    /// Varint: int32, int64, uint32, uint64, sint*, bool, enum.
    case varint = 0
    /// 8 little-endian bytes: fixed64, sfixed64, double.
    case fixed64 = 1
    /// A varint length followed by that many bytes: string, bytes, messages, packed repeated fields.
    case lengthDelimited = 2
    /// 4 little-endian bytes: fixed32, sfixed32, float.
    case fixed32 = 5

    /// The wire type's name in messages: `varint`, `64-bit`, `length-delimited` or `32-bit`.
    public var description: String {
        switch self {
        case .varint: return "varint"
        case .fixed64: return "64-bit"
        case .lengthDelimited: return "length-delimited"
        case .fixed32: return "32-bit"
        }
    }
}

/// A protobuf message that could not be decoded: the message type, the path of fields leading to
/// the bad one (e.g. `feature_lists.feature_list["rgb"].feature[3].bytes_list.value`), the byte
/// offset inside the serialized top-level message, and what was wrong.
public struct ProtobufDecodingError: Error, CustomStringConvertible, Equatable {
    /// What was wrong at the failing position.
    public enum Problem: Equatable {
        /// The message ends inside a varint.
        case truncatedVarint
        /// A varint longer than 10 bytes.
        case varintTooLong
        /// The message ends before a fixed-size value or a length-delimited payload is complete.
        case truncated(needed: Int, available: Int)
        /// A tag with a wire type outside {0, 1, 2, 5} (groups, 3 and 4, are not supported).
        case invalidWireType(UInt8)
        /// A tag whose field number is 0 (not allowed by the format).
        case invalidFieldNumber
        /// A known field arrived with a wire type that cannot encode it.
        case wrongWireType(field: Int, expected: String, found: ProtobufWireType)
        /// A packed fixed32 payload whose length is not a multiple of 4 (or fixed64 of 8).
        case packedLengthNotMultiple(length: Int, of: Int)
        /// A string field that is not valid UTF-8.
        case invalidUTF8
    }

    /// The top-level message type being decoded, e.g. `"tensorflow.SequenceExample"`.
    public var messageType: String
    /// Field names from the top-level message down to the failing field.
    public var fieldPath: [String]
    /// Byte offset of the failure inside the top-level serialized message.
    public var byteOffset: Int
    /// What was wrong.
    public var problem: Problem

    /// Creates an error; message decoders fill in `messageType` and `fieldPath` as it propagates.
    public init(messageType: String = "", fieldPath: [String] = [], byteOffset: Int, problem: Problem) {
        self.messageType = messageType
        self.fieldPath = fieldPath
        self.byteOffset = byteOffset
        self.problem = problem
    }

    /// The field path joined with dots, as it would be written in a proto text path.
    public var field: String {
        var result = ""
        for part in fieldPath {
            if !result.isEmpty && !part.hasPrefix("[") { result += "." }
            result += part
        }
        return result.isEmpty ? "(top level)" : result
    }

    /// The problem in words, naming what was wrong and where.
    public var description: String {
        let what: String
        switch problem {
        case .truncatedVarint: what = "message ends inside a varint"
        case .varintTooLong: what = "varint longer than 10 bytes"
        case .truncated(let needed, let available):
            what = "message ends early (\(needed) bytes needed, \(available) available)"
        case .invalidWireType(let type): what = "invalid wire type \(type)"
        case .invalidFieldNumber: what = "field number 0"
        case .wrongWireType(let field, let expected, let found):
            what = "field \(field) has wire type \(found), expected \(expected)"
        case .packedLengthNotMultiple(let length, let of):
            what = "packed payload of \(length) bytes is not a multiple of \(of)"
        case .invalidUTF8: what = "string is not valid UTF-8"
        }
        return "\(messageType.isEmpty ? "protobuf" : messageType) field \(field) at byte \(byteOffset): \(what)"
    }
}

/// Runs `body`, prefixing any `ProtobufDecodingError` it throws with the field name `name`.
@inline(__always)
public func decodingField<T>(_ name: String, _ body: () throws -> T) throws -> T {
    do {
        return try body()
    } catch var error as ProtobufDecodingError {
        error.fieldPath.insert(name, at: 0)
        throw error
    }
}
