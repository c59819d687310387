@testable import FileIO
@testable import TFRecord
import TestSupport
import XCTest

final class TFRecordTests: XCTestCase {
    private let records: [[UInt8]] = [Array("first".utf8), [], Array(repeating: 7, count: 3000), Array("last".utf8)]

    private func writeSample(_ name: String = "sample.tfrecord") throws -> String {
        let dir = try makeTemporaryDirectory(self)
        let path = dir + "/" + name
        try TFRecordWriter.write(records: records, to: path)
        return path
    }

    func testFramingOfOneRecordMatchesTensorFlowLayout() throws {
        let path = try writeSample()
        let bytes = try bytesOf(path)
        // Record 0: length 5 little-endian, masked CRC of those 8 bytes, data, masked CRC of data.
        XCTAssertEqual(Array(bytes[0..<8]), [5, 0, 0, 0, 0, 0, 0, 0])
        let lengthCRC = UInt32(bytes[8]) | UInt32(bytes[9]) << 8 | UInt32(bytes[10]) << 16 | UInt32(bytes[11]) << 24
        XCTAssertEqual(lengthCRC, CRC32C.mask(CRC32C.checksum([5, 0, 0, 0, 0, 0, 0, 0] as [UInt8])))
        XCTAssertEqual(Array(bytes[12..<17]), Array("first".utf8))
        let dataCRC = UInt32(bytes[17]) | UInt32(bytes[18]) << 8 | UInt32(bytes[19]) << 16 | UInt32(bytes[20]) << 24
        XCTAssertEqual(dataCRC, CRC32C.mask(CRC32C.checksum(Array("first".utf8))))
        XCTAssertEqual(bytes.count, records.reduce(0) { $0 + 16 + $1.count })
    }

    func testWrittenRecordsReadBackInOrder() throws {
        XCTAssertEqual(try TFRecordReader.readAll(path: try writeSample()), records)
    }

    func testReadsRecordsWrittenByTensorFlow() throws {
        XCTAssertEqual(try TFRecordReader.readAll(path: fixturePath("video_level.tfrecord")).count, 4)
        XCTAssertEqual(try TFRecordReader.readAll(path: fixturePath("frame_level.tfrecord")).count, 3)
    }

    func testRecordLargerThanReadBufferIsReadWhole() throws {
        let big = (0..<(3 << 20)).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        let path = try makeTemporaryDirectory(self) + "/big.tfrecord"
        try TFRecordWriter.write(records: [Array("a".utf8), big, Array("z".utf8)], to: path)
        XCTAssertEqual(try TFRecordReader.readAll(path: path), [Array("a".utf8), big, Array("z".utf8)])
    }

    func testCorruptDataThrowsErrorNamingFileRecordAndProblem() throws {
        let path = try writeSample()
        var bytes = try bytesOf(path)
        bytes[21 + 12] ^= 0x01  // record 1 is empty, so byte 21 + 12 is its data CRC
        try writeBytes(bytes, to: path)
        let reader = try TFRecordReader(path: path)
        XCTAssertEqual(try reader.next(), Array("first".utf8))
        XCTAssertThrowsError(try reader.next()) { error in
            guard let error = error as? TFRecordError else { return XCTFail("\(error)") }
            XCTAssertEqual(error.path, path)
            XCTAssertEqual(error.recordIndex, 1)
            XCTAssertEqual(error.byteOffset, 21)
            guard case .dataChecksumMismatch = error.problem else { return XCTFail("\(error.problem)") }
            XCTAssertTrue(error.description.contains("record 1"))
            XCTAssertTrue(error.description.contains(path))
        }
    }

    func testSkipCorruptSkipsBadDataRecordAndCounts() throws {
        let path = try writeSample()
        var bytes = try bytesOf(path)
        let record2Data = 21 + 16 + 12  // records 0 (21 bytes) and 1 (16 bytes), then record 2's header
        bytes[record2Data + 100] ^= 0xFF
        try writeBytes(bytes, to: path)
        let reader = try TFRecordReader(path: path, options: .init(skipCorrupt: true))
        var read: [[UInt8]] = []
        while let record = try reader.next() { read.append(record) }
        XCTAssertEqual(read, [records[0], records[1], records[3]])
        XCTAssertEqual(reader.corruptRecordCount, 1)
        XCTAssertEqual(reader.skippedErrors.map(\.recordIndex), [2])
        XCTAssertNil(reader.unrecoverableError)
    }

    func testBadLengthChecksumStopsReadingEvenWhenSkipping() throws {
        let path = try writeSample()
        var bytes = try bytesOf(path)
        bytes[21 + 2] ^= 0x01  // length field of record 1
        try writeBytes(bytes, to: path)
        let reader = try TFRecordReader(path: path, options: .init(skipCorrupt: true))
        XCTAssertEqual(try reader.next(), records[0])
        XCTAssertNil(try reader.next())
        XCTAssertEqual(reader.corruptRecordCount, 1)
        let error = try XCTUnwrap(reader.unrecoverableError)
        XCTAssertEqual(error.recordIndex, 1)
        XCTAssertFalse(error.isRecoverable)
        guard case .lengthChecksumMismatch = error.problem else { return XCTFail("\(error.problem)") }
        XCTAssertTrue(error.description.contains("cannot be read"))
    }

    func testTruncatedFileReportsTruncationAtLastRecord() throws {
        let path = try writeSample()
        let bytes = try bytesOf(path)
        try writeBytes(Array(bytes.dropLast(2)), to: path)
        let reader = try TFRecordReader(path: path)
        for expected in records.dropLast() { XCTAssertEqual(try reader.next(), expected) }
        XCTAssertThrowsError(try reader.next()) { error in
            guard let error = error as? TFRecordError else { return XCTFail("\(error)") }
            XCTAssertEqual(error.recordIndex, 3)
            XCTAssertEqual(error.problem, .truncatedData(length: 4, bytesAvailable: 6))
        }
    }

    func testFileEndingInsideHeaderIsTruncatedHeader() throws {
        let path = try writeSample()
        try writeBytes(try bytesOf(path) + [1, 2, 3], to: path)
        let reader = try TFRecordReader(path: path, options: .init(skipCorrupt: true))
        var count = 0
        while try reader.next() != nil { count += 1 }
        XCTAssertEqual(count, 4)
        XCTAssertEqual(reader.unrecoverableError?.problem, .truncatedHeader(bytesAvailable: 3))
        XCTAssertEqual(reader.corruptRecordCount, 1)
    }

    func testMissingFileThrowsFileIOErrorWithPath() {
        XCTAssertThrowsError(try TFRecordReader(path: "/nonexistent/x.tfrecord")) { error in
            XCTAssertEqual((error as? FileIOError)?.path, "/nonexistent/x.tfrecord")
        }
    }

    func testAbortedWriterLeavesNoFileBehind() throws {
        let dir = try makeTemporaryDirectory(self)
        let writer = try TFRecordWriter(path: dir + "/out.tfrecord")
        try writer.write(Array("x".utf8))
        writer.abort()
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir), [])
    }

    func testFileAppearsOnlyAfterClose() throws {
        let dir = try makeTemporaryDirectory(self)
        let path = dir + "/out.tfrecord"
        let writer = try TFRecordWriter(path: path)
        try writer.write(Array("x".utf8))
        XCTAssertFalse(FileManager.default.fileExists(atPath: path))
        try writer.close()
        XCTAssertEqual(try TFRecordReader.readAll(path: path), [Array("x".utf8)])
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir), ["out.tfrecord"])
    }
}
