@testable import TFRecord
@testable import YT8MData
import TestSupport
import XCTest

final class YT8MRecordTests: XCTestCase {
    private let small = YT8MRecordFormat(numClasses: 10,
                                         videoFeatures: [.init(name: "mean_rgb", size: 4), .init(name: "mean_audio", size: 2)],
                                         frameFeatures: [.init(name: "rgb", size: 4), .init(name: "audio", size: 2)])

    func testDequantizeEndpointsFollowStarterFormula() {
        let q = YT8MQuantization()
        // x = q·4/255 + 4/512 − 2: q = 0 → −1.9921875, q = 255 → 4 + 0.0078125 − 2 = 2.0078125.
        XCTAssertEqual(q.dequantize(0), -1.9921875)
        XCTAssertEqual(q.dequantize(255), 2.0078125)
        XCTAssertEqual(q.bias, -1.9921875)
        XCTAssertEqual(q.scalar, Float(4.0 / 255.0))
    }

    func testQuantizeInvertsDequantizeForEveryByte() {
        let q = YT8MQuantization()
        for byte in 0...255 {
            XCTAssertEqual(q.quantize(q.dequantize(UInt8(byte))), UInt8(byte))
        }
    }

    func testQuantizeClampsOutOfRangeValues() {
        let q = YT8MQuantization()
        XCTAssertEqual(q.quantize(-100), 0)
        XCTAssertEqual(q.quantize(100), 255)
        XCTAssertEqual(q.quantize(.nan), 0)
        // 0.0 lies (0 + 1.9921875)/(4/255) = 127.0 buckets above the bias.
        XCTAssertEqual(q.quantize(0), 127)
    }

    func testCustomRangeChangesScalarAndBias() {
        let q = YT8MQuantization(minValue: 0, maxValue: 1)
        XCTAssertEqual(q.dequantize(0), Float(1.0 / 512.0))
        XCTAssertEqual(q.dequantize(255), Float(1.0) + Float(1.0 / 512.0))
    }

    func testVideoRecordRoundTripsThroughSerialization() throws {
        let record = VideoLevelRecord(id: "abcd", labels: [9, 0], features: [[1, 2, 3, 4], [-0.5, 0.25]])
        let decoded = try VideoLevelRecord(serialized: record.serialized(format: small), format: small)
        XCTAssertEqual(decoded, record)
        XCTAssertEqual(decoded.concatenatedFeatures, [1, 2, 3, 4, -0.5, 0.25])
    }

    func testFrameRecordRoundTripsAndCountsFrames() throws {
        let record = FrameLevelRecord(id: "f", labels: [], frames: [[1, 2, 3, 4, 5, 6, 7, 8], [9, 10, 11, 12]])
        let decoded = try FrameLevelRecord(serialized: record.serialized(format: small), format: small)
        XCTAssertEqual(decoded, record)
        XCTAssertEqual(decoded.numFrames(format: small), 2)
    }

    func testWrongFeatureSizeNamesFileRecordAndField() throws {
        let dir = try makeTemporaryDirectory(self)
        let path = dir + "/bad.tfrecord"
        let good = VideoLevelRecord(id: "a", labels: [1], features: [[1, 2, 3, 4], [5, 6]])
        let bad = Example(features: Features([
            "id": .bytesList([Array("b".utf8)]), "labels": .int64List([2]),
            "mean_rgb": .floatList([1, 2, 3]), "mean_audio": .floatList([5, 6]),
        ]))
        try TFRecordWriter.write(records: [try good.serialized(format: small), bad.serialized()], to: path)
        let reader = try YT8MRecordReader<VideoLevelRecord>(path: path, format: small)
        XCTAssertEqual(try reader.next(), good)
        XCTAssertThrowsError(try reader.next()) { error in
            guard let error = error as? YT8MRecordError else { return XCTFail("\(error)") }
            XCTAssertEqual(error.path, path)
            XCTAssertEqual(error.recordIndex, 1)
            XCTAssertEqual(error.field, "mean_rgb")
            XCTAssertEqual(error.problem, .wrongCount(expected: 4, found: 3))
            XCTAssertEqual(error.description, "\(path): record 1: field \"mean_rgb\" has 3 values, expected 4")
        }
    }

    func testNonFiniteFeaturesAreRejectedNamingFileRecordAndVideo() throws {
        let dir = try makeTemporaryDirectory(self)
        let path = dir + "/nan.tfrecord"
        let good = VideoLevelRecord(id: "a", labels: [1], features: [[1, 2, 3, 4], [5, 6]])
        let bad = Example(features: Features([
            "id": .bytesList([Array("Xy9".utf8)]), "labels": .int64List([2]),
            "mean_rgb": .floatList([1, 2, 3, 4]), "mean_audio": .floatList([5, .infinity]),
        ]))
        try TFRecordWriter.write(records: [try good.serialized(format: small), bad.serialized()], to: path)
        let reader = try YT8MRecordReader<VideoLevelRecord>(path: path, format: small)
        XCTAssertEqual(try reader.next(), good)
        XCTAssertThrowsError(try reader.next()) {
            XCTAssertEqual("\($0)", "\(path): record 1: video Xy9: field \"mean_audio\" value 1 is inf")
        }
        // The dataset's zero-copy view says the same, and NaN too.
        let nan = Example(features: Features([
            "id": .bytesList([Array("Zz".utf8)]), "labels": .int64List([2]),
            "mean_rgb": .floatList([1, .nan, 3, 4]), "mean_audio": .floatList([5, 6]),
        ]))
        try TFRecordWriter.write(records: [try good.serialized(format: small), nan.serialized()], to: path)
        let dataset = try YT8MDataset(files: [path], options: YT8MDatasetOptions(level: .video, format: small, batchSize: 2, epochs: 1))
        XCTAssertThrowsError(try dataset.next()) {
            XCTAssertEqual("\($0)", "\(path): record 1: video Zz: field \"mean_rgb\" value 1 is nan")
        }
    }

    func testWrongFrameSizeNamesFrame() {
        let bad = SequenceExample(
            context: Features(["id": .bytesList([Array("x".utf8)])]),
            featureLists: FeatureLists(["rgb": [.bytesList([[1, 2, 3, 4]]), .bytesList([[1, 2, 3]])],
                                        "audio": [.bytesList([[1, 2]]), .bytesList([[1, 2]])]]))
        XCTAssertThrowsError(try FrameLevelRecord(serialized: bad.serialized(), format: small)) { error in
            guard let error = error as? YT8MRecordError else { return XCTFail("\(error)") }
            XCTAssertEqual(error.field, "rgb")
            XCTAssertEqual(error.problem, .wrongFrameSize(frame: 1, expected: 4, found: 3))
        }
    }

    func testLabelOutsideClassRangeIsRejected() {
        let bad = Example(features: Features([
            "id": .bytesList([Array("b".utf8)]), "labels": .int64List([3, 10]),
            "mean_rgb": .floatList([1, 2, 3, 4]), "mean_audio": .floatList([5, 6]),
        ]))
        XCTAssertThrowsError(try VideoLevelRecord(serialized: bad.serialized(), format: small)) { error in
            XCTAssertEqual((error as? YT8MRecordError)?.problem, .labelOutOfRange(label: 10, numClasses: 10))
        }
    }

    func testFeatureOfWrongKindIsReported() {
        let bad = Example(features: Features([
            "id": .bytesList([Array("b".utf8)]), "labels": .floatList([1]),
            "mean_rgb": .floatList([1, 2, 3, 4]), "mean_audio": .floatList([5, 6]),
        ]))
        XCTAssertThrowsError(try VideoLevelRecord(serialized: bad.serialized(), format: small)) { error in
            guard let error = error as? YT8MRecordError else { return XCTFail("\(error)") }
            XCTAssertEqual(error.field, "labels")
            XCTAssertEqual(error.problem, .wrongKind(expected: "int64_list", found: "float_list"))
        }
    }

    func testMalformedProtobufBecomesRecordErrorWithFieldPath() {
        XCTAssertThrowsError(try VideoLevelRecord(serialized: [0x0A, 0x05, 0x0A], format: small)) { error in
            guard let error = error as? YT8MRecordError, case .malformedProtobuf = error.problem else {
                return XCTFail("\(error)")
            }
            XCTAssertEqual(error.field, "features")
        }
    }

    func testWriterRefusesRecordOfWrongSizeAndNamesIt() throws {
        let path = try makeTemporaryDirectory(self) + "/out.tfrecord"
        let records = [VideoLevelRecord(id: "a", labels: [], features: [[1, 2, 3, 4], [5, 6]]),
                       VideoLevelRecord(id: "b", labels: [], features: [[1, 2, 3, 4], [5]])]
        XCTAssertThrowsError(try YT8MRecordWriter.write(records, to: path, format: small)) { error in
            guard let error = error as? YT8MRecordError else { return XCTFail("\(error)") }
            XCTAssertEqual(error.recordIndex, 1)
            XCTAssertEqual(error.field, "mean_audio")
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: path))
    }
}
