@testable import TFRecord
@testable import YT8MData
import Foundation
import TestSupport
import XCTest

/// Checks our decoder against TFRecord files written by TensorFlow (scripts/make_tf_fixtures.py)
/// and the values TensorFlow's own parser read back from them (Fixtures/expected.json).
final class YT8MFixtureTests: XCTestCase {
    struct Expected: Decodable {
        var dequantize_table: [Double]
        var files: [String: FileEntry]
    }

    struct FileEntry: Decodable {
        var level: String
        var format: String
        var records: [RecordEntry]
    }

    struct RecordEntry: Decodable {
        var id: String
        var labels: [Int]
        var mean_rgb: [Double]?
        var mean_audio: [Double]?
        var rgb_hex: [String]?
        var audio_hex: [String]?
        var rgb_dequantized_first_last: [[Double]]?
        var audio_dequantized_first_last: [[Double]]?
    }

    private func expected() throws -> Expected {
        try JSONDecoder().decode(Expected.self, from: Data(contentsOf: URL(fileURLWithPath: fixturePath("expected.json"))))
    }

    private func bytes(fromHex hex: String) -> [UInt8] {
        var result: [UInt8] = []
        var index = hex.startIndex
        while index < hex.endIndex {
            let next = hex.index(index, offsetBy: 2)
            result.append(UInt8(hex[index..<next], radix: 16)!)
            index = next
        }
        return result
    }

    func testVideoLevelRecordsMatchTensorFlowParse() throws {
        let reference = try expected().files["video_level.tfrecord"]!.records
        let records = try YT8MRecordReader<VideoLevelRecord>.readAll(path: fixturePath("video_level.tfrecord"))
        XCTAssertEqual(records.count, reference.count)
        for (record, want) in zip(records, reference) {
            XCTAssertEqual(record.id, want.id)
            XCTAssertEqual(record.labels, want.labels)
            XCTAssertEqual(record.features[0], want.mean_rgb!.map { Float($0) }, "mean_rgb of \(want.id)")
            XCTAssertEqual(record.features[1], want.mean_audio!.map { Float($0) }, "mean_audio of \(want.id)")
        }
        // The fixture holds a video with no labels, one without a labels key and one with five.
        XCTAssertEqual(records.map(\.labels.count), [1, 0, 5, 0])
    }

    func testFrameLevelRecordsMatchTensorFlowParse() throws {
        let reference = try expected().files["frame_level.tfrecord"]!.records
        let format = YT8MRecordFormat.yt8m2018
        let records = try YT8MRecordReader<FrameLevelRecord>.readAll(path: fixturePath("frame_level.tfrecord"))
        XCTAssertEqual(records.count, reference.count)
        for (record, want) in zip(records, reference) {
            XCTAssertEqual(record.id, want.id)
            XCTAssertEqual(record.labels, want.labels)
            XCTAssertEqual(record.numFrames(format: format), want.rgb_hex!.count)
            XCTAssertEqual(record.frames[0], want.rgb_hex!.flatMap { bytes(fromHex: $0) })
            XCTAssertEqual(record.frames[1], want.audio_hex!.flatMap { bytes(fromHex: $0) })
            let rgb = record.dequantizedFrames(feature: 0, format: format)
            for (frame, firstLast) in want.rgb_dequantized_first_last!.enumerated() {
                XCTAssertEqual(rgb[frame * 1024], Float(firstLast[0]))
                XCTAssertEqual(rgb[frame * 1024 + 1023], Float(firstLast[1]))
            }
            let audio = record.dequantizedFrames(feature: 1, format: format)
            for (frame, firstLast) in want.audio_dequantized_first_last!.enumerated() {
                XCTAssertEqual(audio[frame * 128], Float(firstLast[0]))
                XCTAssertEqual(audio[frame * 128 + 127], Float(firstLast[1]))
            }
        }
        XCTAssertEqual(records.map { $0.numFrames(format: format) }, [3, 1, 5])
    }

    func testDequantizationEqualsTensorFlowStarterCodeForEveryByte() throws {
        let table = try expected().dequantize_table
        let quantization = YT8MQuantization()
        for q in 0...255 {
            XCTAssertEqual(quantization.dequantize(UInt8(q)), Float(table[q]), "byte \(q)")
        }
    }

    func testYear2017FormatReadsVideoIDKeyAndLabelsUpTo4715() throws {
        let reference = try expected().files["video_level_2017.tfrecord"]!.records
        let records = try YT8MRecordReader<VideoLevelRecord>.readAll(path: fixturePath("video_level_2017.tfrecord"),
                                                                     format: .yt8m2017)
        XCTAssertEqual(records.map(\.id), reference.map(\.id))
        XCTAssertEqual(records.map(\.labels), [[4715, 1], [0]])
        // With the 2018 format the id key is missing: the error names file, record and field.
        XCTAssertThrowsError(try YT8MRecordReader<VideoLevelRecord>.readAll(path: fixturePath("video_level_2017.tfrecord"))) { error in
            guard let error = error as? YT8MRecordError else { return XCTFail("\(error)") }
            XCTAssertEqual(error.path, fixturePath("video_level_2017.tfrecord"))
            XCTAssertEqual(error.recordIndex, 0)
            XCTAssertEqual(error.field, "id")
            XCTAssertEqual(error.problem, .missing)
        }
    }

    /// Re-encodes every fixture record with our encoder and writer and reads the files back. With
    /// ZOO_WRITER_OUTPUT_DIR set, the files are also left there for TensorFlow to check
    /// (`scripts/make_tf_fixtures.py --verify-dir DIR`).
    func testOurWriterReproducesFixtureRecords() throws {
        let temporary = try makeTemporaryDirectory(self)
        let outputDirectory = ProcessInfo.processInfo.environment["ZOO_WRITER_OUTPUT_DIR"] ?? temporary
        let video = try YT8MRecordReader<VideoLevelRecord>.readAll(path: fixturePath("video_level.tfrecord"))
        let frame = try YT8MRecordReader<FrameLevelRecord>.readAll(path: fixturePath("frame_level.tfrecord"))
        let video2017 = try YT8MRecordReader<VideoLevelRecord>.readAll(path: fixturePath("video_level_2017.tfrecord"),
                                                                       format: .yt8m2017)
        try YT8MRecordWriter.write(video, to: outputDirectory + "/video_level.tfrecord")
        try YT8MRecordWriter.write(frame, to: outputDirectory + "/frame_level.tfrecord")
        try YT8MRecordWriter.write(video2017, to: outputDirectory + "/video_level_2017.tfrecord", format: .yt8m2017)
        XCTAssertEqual(try YT8MRecordReader<VideoLevelRecord>.readAll(path: outputDirectory + "/video_level.tfrecord"), video)
        XCTAssertEqual(try YT8MRecordReader<FrameLevelRecord>.readAll(path: outputDirectory + "/frame_level.tfrecord"), frame)
        XCTAssertEqual(try YT8MRecordReader<VideoLevelRecord>.readAll(path: outputDirectory + "/video_level_2017.tfrecord",
                                                                      format: .yt8m2017), video2017)
    }

    func testSummaryDetectsLevelOfEachFixture() throws {
        let format = YT8MRecordFormat.yt8m2018
        let video = try TFRecordReader.readAll(path: fixturePath("video_level.tfrecord"))
        let frame = try TFRecordReader.readAll(path: fixturePath("frame_level.tfrecord"))
        let videoSummary = try YT8MRecordSummary(serialized: video[2], format: format)
        XCTAssertEqual(videoSummary.level, .video)
        XCTAssertEqual(videoSummary.labels, [0, 17, 3861, 512, 2])
        XCTAssertEqual(videoSummary.featureValueCounts, ["mean_rgb": 1024, "mean_audio": 128])
        let frameSummary = try YT8MRecordSummary(serialized: frame[2], format: format)
        XCTAssertEqual(frameSummary.level, .frame)
        XCTAssertEqual(frameSummary.id, "fr02")
        XCTAssertEqual(frameSummary.frameCounts, ["rgb": 5, "audio": 5])
    }
}
