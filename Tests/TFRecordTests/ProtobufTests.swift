@testable import TFRecord
import XCTest

final class ProtobufTests: XCTestCase {
    // Byte sequences from the protobuf encoding guide (protobuf.dev/programming-guides/encoding).
    func testVarintFieldEncodesAsInEncodingGuide() {
        var encoder = ProtobufEncoder()
        encoder.writeTag(field: 1, wireType: .varint)
        encoder.writeVarint(150)
        XCTAssertEqual(encoder.bytes, [0x08, 0x96, 0x01])
        var decoder = ProtobufDecoder(bytes: encoder.bytes)
        XCTAssertEqual(try decoder.readTag().field, 1)
        XCTAssertEqual(try decoder.readVarint(), 150)
    }

    func testStringFieldEncodesAsInEncodingGuide() {
        var encoder = ProtobufEncoder()
        encoder.writeString(field: 2, "testing")
        XCTAssertEqual(encoder.bytes, [0x12, 0x07, 0x74, 0x65, 0x73, 0x74, 0x69, 0x6E, 0x67])
    }

    func testPackedInt64EncodesAsInEncodingGuide() {
        var encoder = ProtobufEncoder()
        encoder.writePackedInt64(field: 4, [3, 270, 86942])
        XCTAssertEqual(encoder.bytes, [0x22, 0x06, 0x03, 0x8E, 0x02, 0x9E, 0xA7, 0x05])
    }

    func testNegativeInt64IsTenByteVarint() throws {
        var encoder = ProtobufEncoder()
        encoder.writeVarint(UInt64(bitPattern: -1))
        XCTAssertEqual(encoder.bytes, [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01])
    }

    func testSmallExampleSerializesToHandEncodedBytes() {
        // Example{features{feature{key:"a" value{int64_list{value:[1]}}}}}, encoded by hand:
        // Int64List 0A 01 01; Feature 1A 03 …; entry 0A 01 61 12 05 …; Features 0A 0A …; Example 0A 0C ….
        let example = Example(features: Features(["a": .int64List([1])]))
        XCTAssertEqual(example.serialized(),
                       [0x0A, 0x0C, 0x0A, 0x0A, 0x0A, 0x01, 0x61, 0x12, 0x05, 0x1A, 0x03, 0x0A, 0x01, 0x01])
    }

    func testUnpackedAndPackedRepeatedFieldsDecodeAlike() throws {
        // FloatList with value 1.0 (0x3F800000) and 2.0 (0x40000000): unpacked (tag 0x0D each)
        // followed by a packed run (tag 0x0A) of -0.5 (0xBF000000). All forms merge in order.
        let floatList: [UInt8] = [0x0D, 0, 0, 0x80, 0x3F, 0x0D, 0, 0, 0, 0x40, 0x0A, 0x04, 0, 0, 0, 0xBF]
        var feature: [UInt8] = [0x12, UInt8(floatList.count)] + floatList
        var decoder = ProtobufDecoder(bytes: feature)
        XCTAssertEqual(try Feature.decode(&decoder), .floatList([1, 2, -0.5]))
        // Int64List: unpacked varints 5 and 300, then packed [7].
        let int64List: [UInt8] = [0x08, 0x05, 0x08, 0xAC, 0x02, 0x0A, 0x01, 0x07]
        feature = [0x1A, UInt8(int64List.count)] + int64List
        decoder = ProtobufDecoder(bytes: feature)
        XCTAssertEqual(try Feature.decode(&decoder), .int64List([5, 300, 7]))
    }

    func testUnknownFieldsOfEveryWireTypeAreSkipped() throws {
        let known = Example(features: Features(["x": .bytesList([[1, 2]])])).serialized()
        // field 9 varint, field 10 fixed64, field 11 length-delimited, field 12 fixed32
        let unknown: [UInt8] = [0x48, 0x96, 0x01, 0x51, 1, 2, 3, 4, 5, 6, 7, 8, 0x5A, 0x02, 0xAA, 0xBB, 0x65, 1, 2, 3, 4]
        let decoded = try Example(serialized: unknown + known + unknown)
        XCTAssertEqual(decoded.features.feature["x"], .bytesList([[1, 2]]))
    }

    func testExampleAndSequenceExampleRoundTrip() throws {
        let example = Example(features: Features([
            "id": .bytesList([Array("abc".utf8)]),
            "labels": .int64List([0, 5, -3, Int64.max]),
            "mean": .floatList([0.5, -1e-7, .infinity]),
            "empty": .floatList([]),
            "nothing": .unset,
        ]))
        XCTAssertEqual(try Example(serialized: example.serialized()), example)
        let sequence = SequenceExample(
            context: Features(["id": .bytesList([Array("v".utf8)])]),
            featureLists: FeatureLists(["rgb": [.bytesList([[1, 2, 3]]), .bytesList([[4, 5, 6]])], "none": []]))
        XCTAssertEqual(try SequenceExample(serialized: sequence.serialized()), sequence)
    }

    func testTruncatedNestedFieldErrorNamesFieldPath() throws {
        let sequence = SequenceExample(
            context: Features(["id": .bytesList([Array("v".utf8)])]),
            featureLists: FeatureLists(["rgb": [.floatList([1, 2])]]))
        var bytes = sequence.serialized()
        // Corrupt the packed float payload length of the last frame: 8 bytes → 7 (not a multiple of 4).
        let index = try XCTUnwrap(bytes.lastIndex(of: 0x08))
        bytes[index] = 0x07
        XCTAssertThrowsError(try SequenceExample(serialized: bytes)) { error in
            guard let error = error as? ProtobufDecodingError else { return XCTFail("\(error)") }
            XCTAssertEqual(error.messageType, "tensorflow.SequenceExample")
            XCTAssertEqual(error.field, "feature_lists.feature_list[\"rgb\"].feature[0].float_list.value")
            XCTAssertEqual(error.problem, .packedLengthNotMultiple(length: 7, of: 4))
        }
    }

    func testMessageEndingEarlyIsTruncationError() {
        let bytes = Example(features: Features(["k": .bytesList([[1, 2, 3, 4]])])).serialized()
        XCTAssertThrowsError(try Example(serialized: Array(bytes.dropLast(2)))) { error in
            guard let error = error as? ProtobufDecodingError else { return XCTFail("\(error)") }
            XCTAssertEqual(error.fieldPath.first, "features")
            guard case .truncated = error.problem else { return XCTFail("\(error.problem)") }
        }
    }

    func testWrongWireTypeForKnownFieldIsReported() {
        // Example field 1 (features) sent as a varint.
        XCTAssertThrowsError(try Example(serialized: [0x08, 0x01])) { error in
            guard let error = error as? ProtobufDecodingError else { return XCTFail("\(error)") }
            XCTAssertEqual(error.field, "features")
            XCTAssertEqual(error.problem, .wrongWireType(field: 1, expected: "length-delimited", found: .varint))
        }
    }

    func testOverlongVarintIsRejected() {
        var decoder = ProtobufDecoder(bytes: [UInt8](repeating: 0x80, count: 10) + [0x01])
        XCTAssertThrowsError(try decoder.readVarint()) { error in
            XCTAssertEqual((error as? ProtobufDecodingError)?.problem, .varintTooLong)
        }
    }
}
