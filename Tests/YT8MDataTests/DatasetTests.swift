@testable import FileIO
@testable import TFRecord
@testable import YT8MData
import Foundation
import Tensor
import TestSupport
import XCTest

/// The dequantized value of code q, worked out independently of `YT8MQuantization`:
/// q · 4/255 + (4/512 − 2) with float32 constants (google/youtube-8m utils.py `Dequantize`).
func referenceDequantize(_ q: UInt8) -> Float {
    Float(q) * Float(4.0 / 255.0) + Float(4.0 / 512.0 - 2.0)
}

/// Writes `files` files of `perFile` frame-level test videos (numbered consecutively; video v has
/// 1 + (v·5) % 9 frames); returns the paths.
func writeFrameFiles(in directory: String, files: Int, perFile: Int, format: YT8MRecordFormat = smallFrameFormat) throws -> [String] {
    try (0..<files).map { f in
        let path = "\(directory)/part\(f).tfrecord"
        let records = (0..<perFile).map { i -> FrameLevelRecord in
            let v = f * perFile + i
            return testFrameRecord(video: v, frames: 1 + (v * 5) % 9, format: format)
        }
        try YT8MRecordWriter.write(records, to: path, format: format)
        return path
    }
}

/// Every batch of one epoch.
func drainEpoch(_ dataset: YT8MDataset) throws -> [YT8MBatch] {
    var batches: [YT8MBatch] = []
    while let batch = try dataset.next() { batches.append(batch) }
    return batches
}

final class DatasetTests: XCTestCase {
    func testVideoLevelBatchesHoldFeaturesLabelsAndIDsInFileOrder() throws {
        let dir = try makeTemporaryDirectory(self)
        for f in 0..<2 {
            try YT8MRecordWriter.write((0..<5).map { testVideoRecord(video: f * 5 + $0) }, to: "\(dir)/v\(f).tfrecord",
                                       format: smallFrameFormat)
        }
        let dataset = try YT8MDataset(paths: [dir], options: YT8MDatasetOptions(level: .video, format: smallFrameFormat, batchSize: 4))
        let batches = try drainEpoch(dataset)
        XCTAssertEqual(batches.map(\.count), [4, 4, 2])
        XCTAssertEqual(batches.flatMap(\.ids), (0..<10).map { "v\($0)" })
        let second = batches[1]
        XCTAssertEqual(second.features.shape, [4, 6])
        XCTAssertEqual(second.features.floats[6..<12].map { $0 }, [5, 5.01, 5.02, 5.03, 5.04, 5.05].map { Float($0) })
        XCTAssertEqual(second.labels.shape, [4, 10])
        var expectedLabels = [Float](repeating: 0, count: 40)
        for (row, v) in (4..<8).enumerated() { expectedLabels[row * 10 + v % 10] = 1 }
        XCTAssertEqual(second.labels.floats, expectedLabels)
        XCTAssertEqual(second.numFrames.dtype, .int32)
        XCTAssertEqual(second.numFrames.doubles, [1, 1, 1, 1])
        XCTAssertEqual(second.labelIndices, [[4], [5], [6], [7]])
        XCTAssertNil(second.teacherPredictions)
        XCTAssertEqual(batches.last!.stateAfter, DatasetState(seed: 0, epoch: 0, position: 10))
        XCTAssertEqual(dataset.state, DatasetState(seed: 0, epoch: 1, position: 0))
        // The next call starts epoch 1 in the same (unshuffled) order.
        XCTAssertEqual(try drainEpoch(dataset).flatMap(\.ids), (0..<10).map { "v\($0)" })
    }

    func testFrameLevelEveryFrameIsDequantizedTruncatedAndZeroPadded() throws {
        let dir = try makeTemporaryDirectory(self)
        let path = "\(dir)/f.tfrecord"
        try YT8MRecordWriter.write([testFrameRecord(video: 1, frames: 3), testFrameRecord(video: 2, frames: 7)], to: path,
                                   format: smallFrameFormat)
        let options = YT8MDatasetOptions(level: .frame, format: smallFrameFormat, batchSize: 2, maxFrames: 5)
        let batch = try XCTUnwrap(try YT8MDataset(files: [path], options: options).next())
        XCTAssertEqual(batch.features.shape, [2, 5, 6])
        XCTAssertEqual(batch.frameCounts, [3, 5])
        XCTAssertEqual(batch.numFrames.doubles, [3, 5])
        let values = batch.features.floats
        for (b, (video, frames)) in [(1, 3), (2, 7)].enumerated() {
            for t in 0..<5 {
                for column in 0..<6 {
                    let got = values[(b * 5 + t) * 6 + column]
                    if t < min(frames, 5) {
                        let (feature, dim) = column < 4 ? (0, column) : (1, column - 4)
                        XCTAssertEqual(got, referenceDequantize(testCode(video: video, feature: feature, frame: t, dim: dim)),
                                       "video \(video) frame \(t) column \(column)")
                    } else {
                        XCTAssertEqual(got, 0, "padding row \(t) of video \(video) must be exactly zero")
                    }
                }
            }
        }
        XCTAssertEqual(batch.labelIndices, [[1, 4], [2, 5]])
    }

    func testEveryFrameBatchesHaveAsManyRowsAsTheirLongestVideo() throws {
        let dir = try makeTemporaryDirectory(self)
        let path = "\(dir)/f.tfrecord"
        let lengths = [3, 2, 1, 1, 0, 2]
        try YT8MRecordWriter.write(lengths.enumerated().map { testFrameRecord(video: $0, frames: $1) }, to: path,
                                   format: smallFrameFormat)
        let options = YT8MDatasetOptions(level: .frame, format: smallFrameFormat, batchSize: 2, maxFrames: 5)
        let batches = try drainEpoch(try YT8MDataset(files: [path], options: options))
        XCTAssertEqual(batches.map(\.features.shape), [[2, 3, 6], [2, 1, 6], [2, 2, 6]])
        XCTAssertEqual(batches.map(\.frameCounts), [[3, 2], [1, 1], [0, 2]])
        // The kept rows are the full batch's rows: video 1's frames, then its padding row.
        let second = batches[0].features.floats[18..<36]
        for t in 0..<3 {
            for column in 0..<6 {
                let (feature, dim) = column < 4 ? (0, column) : (1, column - 4)
                XCTAssertEqual(second[18 + t * 6 + column],
                               t < 2 ? referenceDequantize(testCode(video: 1, feature: feature, frame: t, dim: dim)) : 0)
            }
        }
    }

    func testFrameLevelMatchesTensorFlowFixture() throws {
        // The fixture's records decode to the values TensorFlow read back (YT8MFixtureTests); the
        // dataset's fast parser must agree with that decoding for every frame.
        let path = fixturePath("frame_level.tfrecord")
        let records = try YT8MRecordReader<FrameLevelRecord>.readAll(path: path)
        let format = YT8MRecordFormat.yt8m2018
        let batch = try XCTUnwrap(try YT8MDataset(files: [path], options: YT8MDatasetOptions(
            level: .frame, batchSize: records.count, maxFrames: 4)).next())
        XCTAssertEqual(batch.ids, records.map(\.id))
        XCTAssertEqual(batch.labelIndices, records.map(\.labels))
        let values = batch.features.floats
        for (b, record) in records.enumerated() {
            let n = min(record.numFrames(format: format), 4)
            XCTAssertEqual(batch.frameCounts[b], n)
            let rgb = record.frames[0], audio = record.frames[1]
            for t in 0..<4 {
                let row = Array(values[(b * 4 + t) * 1152..<(b * 4 + t + 1) * 1152])
                if t < n {
                    XCTAssertEqual(Array(row[0..<1024]), rgb[t * 1024..<(t + 1) * 1024].map(referenceDequantize))
                    if t < audio.count / 128 {
                        XCTAssertEqual(Array(row[1024...]), audio[t * 128..<(t + 1) * 128].map(referenceDequantize))
                    }
                } else {
                    XCTAssertEqual(row, [Float](repeating: 0, count: 1152))
                }
            }
        }
    }

    func testShuffledEpochsArePermutationsAndReproducible() throws {
        let dir = try makeTemporaryDirectory(self)
        let files = try writeFrameFiles(in: dir, files: 3, perFile: 10)
        let options = YT8MDatasetOptions(level: .frame, format: smallFrameFormat, batchSize: 7, shuffleFiles: true,
                                         shuffleBufferSize: 8, seed: 42, maxFrames: 9)
        func idsPerEpoch(_ dataset: YT8MDataset, epochs: Int) throws -> [[String]] {
            try (0..<epochs).map { _ in try drainEpoch(dataset).flatMap(\.ids) }
        }
        let first = try idsPerEpoch(try YT8MDataset(files: files, options: options), epochs: 3)
        let again = try idsPerEpoch(try YT8MDataset(files: files, options: options), epochs: 3)
        XCTAssertEqual(first, again, "same seed, same order")
        for epoch in first { XCTAssertEqual(epoch.sorted(), (0..<30).map { "v\($0)" }.sorted(), "every video once") }
        XCTAssertNotEqual(first[0], first[1], "epochs are shuffled differently")
        XCTAssertNotEqual(first[0], (0..<30).map { "v\($0)" }, "the order is shuffled")
        var other = options
        other.seed = 43
        XCTAssertNotEqual(try idsPerEpoch(try YT8MDataset(files: files, options: other), epochs: 1)[0], first[0])
    }

    func testRestoreResumesTheExactSequenceIncludingSampledFrames() throws {
        let dir = try makeTemporaryDirectory(self)
        let files = try writeFrameFiles(in: dir, files: 3, perFile: 9)
        let options = YT8MDatasetOptions(level: .frame, format: smallFrameFormat, batchSize: 4, shuffleFiles: true,
                                         shuffleBufferSize: 6, seed: 7, maxFrames: 9,
                                         frameInput: .frames(.randomWithReplacement(count: 5)))
        let reference = try YT8MDataset(files: files, options: options)
        var batches = try drainEpoch(reference)        // epoch 0: 7 batches
        batches += try drainEpoch(reference)           // epoch 1
        XCTAssertEqual(batches.count, 14)
        for cut in [0, 2, 6, 9] {
            let resumed = try YT8MDataset(files: files, options: options)
            let state = cut == 0 ? DatasetState(seed: 7, epoch: 0, position: 0) : batches[cut - 1].stateAfter
            // The state goes through a checkpoint as JSON.
            let saved = try JSONEncoder().encode(state)
            try resumed.restore(try JSONDecoder().decode(DatasetState.self, from: saved))
            var rest: [YT8MBatch] = []
            while rest.count < batches.count - cut {
                if let batch = try resumed.next() { rest.append(batch) }
            }
            for (got, want) in zip(rest, batches[cut...]) {
                XCTAssertEqual(got.ids, want.ids, "after cut \(cut)")
                XCTAssertEqual(got.features.floats, want.features.floats, "sampled frames after cut \(cut)")
                XCTAssertEqual(got.stateAfter, want.stateAfter)
            }
        }
        var wrongSeed = DatasetState(seed: 8, epoch: 0, position: 0)
        XCTAssertThrowsError(try reference.restore(wrongSeed))
        wrongSeed.seed = 7
        XCTAssertNoThrow(try reference.restore(wrongSeed))
    }

    func testShardsAreDisjointAndCoverEveryFile() throws {
        let files = (0..<7).map { "f\($0)" }
        let shards = try (0..<3).map { try FileSharding.shard(files, rank: $0, worldSize: 3) }
        XCTAssertEqual(shards, [["f0", "f3", "f6"], ["f1", "f4"], ["f2", "f5"]])
        XCTAssertEqual(Set(shards.joined()), Set(files))
        XCTAssertEqual(shards.joined().count, files.count)
        XCTAssertEqual(try FileSharding.shard(files, rank: 0, worldSize: 1), files)
        XCTAssertThrowsError(try FileSharding.shard(files, rank: 3, worldSize: 3)) {
            XCTAssertEqual($0 as? YT8MDatasetError, YT8MDatasetError(.invalidShard(rank: 3, worldSize: 3)))
        }
        XCTAssertThrowsError(try FileSharding.shard(["a", "b"], rank: 2, worldSize: 4)) {
            XCTAssertEqual($0 as? YT8MDatasetError, YT8MDatasetError(.emptyShard(rank: 2, worldSize: 4, fileCount: 2)))
        }
    }

    func testShardedDatasetsReadDisjointVideos() throws {
        let dir = try makeTemporaryDirectory(self)
        _ = try writeFrameFiles(in: dir, files: 4, perFile: 3)
        let options = YT8MDatasetOptions(level: .frame, format: smallFrameFormat, batchSize: 5, maxFrames: 9)
        let ids = try (0..<2).map { rank in
            try drainEpoch(try YT8MDataset(paths: ["\(dir)/*.tfrecord"], options: options, rank: rank, worldSize: 2)).flatMap(\.ids)
        }
        XCTAssertEqual(ids[0], ["v0", "v1", "v2", "v6", "v7", "v8"])
        XCTAssertEqual(ids[1], ["v3", "v4", "v5", "v9", "v10", "v11"])
    }

    func testCorruptRecordIsReportedWithFileAndRecordIndex() throws {
        let dir = try makeTemporaryDirectory(self)
        let path = try writeFrameFiles(in: dir, files: 1, perFile: 6)[0]
        var bytes = try bytesOf(path)
        // Record 3 starts after records 0..2; flip a byte in its data.
        var offset = 0
        for _ in 0..<3 {
            let length = bytes[offset..<offset + 8].enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
            offset += 12 + length + 4
        }
        bytes[offset + 20] ^= 0xFF
        try writeBytes(bytes, to: path)

        for threads in [1, 3] {  // with several decoding threads the error still comes in order
            let dataset = try YT8MDataset(files: [path], options: YT8MDatasetOptions(
                level: .frame, format: smallFrameFormat, batchSize: 2, maxFrames: 9, decodeThreads: threads))
            XCTAssertEqual(try dataset.next()?.ids, ["v0", "v1"])
            for _ in 0..<2 {  // thrown again by later calls
                XCTAssertThrowsError(try dataset.next()) { error in
                    guard let error = error as? TFRecordError else { return XCTFail("\(error)") }
                    XCTAssertEqual(error.path, path)
                    XCTAssertEqual(error.recordIndex, 3)
                    XCTAssertEqual(error.byteOffset, offset)
                    guard case .dataChecksumMismatch = error.problem else { return XCTFail("\(error.problem)") }
                }
            }
        }

        let skipping = try YT8MDataset(files: [path], options: YT8MDatasetOptions(
            level: .frame, format: smallFrameFormat, batchSize: 2, maxFrames: 9, skipCorruptRecords: true, epochs: 1))
        XCTAssertEqual(try drainEpoch(skipping).flatMap(\.ids), ["v0", "v1", "v2", "v4", "v5"])
        XCTAssertEqual(skipping.skippedCorruptRecords.count, 1)
        XCTAssertEqual(skipping.skippedCorruptRecords.examples.first?.recordIndex, 3)
    }

    func testTruncatedFileIsReportedWithRecordIndex() throws {
        let dir = try makeTemporaryDirectory(self)
        let path = try writeFrameFiles(in: dir, files: 1, perFile: 3)[0]
        let bytes = try bytesOf(path)
        try writeBytes(Array(bytes.dropLast(10)), to: path)
        let dataset = try YT8MDataset(files: [path], options: YT8MDatasetOptions(level: .frame, format: smallFrameFormat, maxFrames: 9))
        XCTAssertThrowsError(try dataset.next()) { error in
            guard let error = error as? TFRecordError else { return XCTFail("\(error)") }
            XCTAssertEqual(error.recordIndex, 2)
            guard case .truncatedData = error.problem else { return XCTFail("\(error.problem)") }
        }
    }

    func testInvalidRecordIsReportedWithFileRecordAndField() throws {
        let dir = try makeTemporaryDirectory(self)
        let path = "\(dir)/bad.tfrecord"
        let good = try testFrameRecord(video: 0, frames: 2).serialized(format: smallFrameFormat)
        // The bad record by hand: two audio frames of 2 bytes, then one of 1 byte.
        let context = Features(["id": .bytesList([Array("v1".utf8)]), "labels": .int64List([1])])
        let lists = FeatureLists(["rgb": (0..<3).map { _ in Feature.bytesList([[1, 2, 3, 4]]) },
                                  "audio": [.bytesList([[1, 2]]), .bytesList([[3, 4]]), .bytesList([[5]])]])
        let badBytes = SequenceExample(context: context, featureLists: lists).serialized()
        try TFRecordWriter.write(records: [good, badBytes], to: path)
        let dataset = try YT8MDataset(files: [path], options: YT8MDatasetOptions(level: .frame, format: smallFrameFormat, maxFrames: 9))
        XCTAssertThrowsError(try dataset.next()) { error in
            XCTAssertEqual(error as? YT8MRecordError,
                           YT8MRecordError(path: path, recordIndex: 1, field: "audio",
                                           problem: .wrongFrameSize(frame: 2, expected: 2, found: 1)))
        }
    }

    func testFastParserReportsTheSameErrorsAsTheRecordDecoder() throws {
        let format = smallFrameFormat
        let cases: [(String, SequenceExample)] = [
            ("missing audio", SequenceExample(context: Features(["id": .bytesList([[65]])]),
                                              featureLists: FeatureLists(["rgb": [.bytesList([[1, 2, 3, 4]])]]))),
            ("float frame", SequenceExample(context: Features(["id": .bytesList([[65]])]),
                                            featureLists: FeatureLists(["rgb": [.floatList([1])], "audio": []]))),
            ("two values", SequenceExample(context: Features(["id": .bytesList([[65]])]),
                                           featureLists: FeatureLists(["rgb": [.bytesList([[1, 2, 3, 4], [1, 2, 3, 4]])], "audio": []]))),
            ("label range", SequenceExample(context: Features(["id": .bytesList([[65]]), "labels": .int64List([10])]),
                                            featureLists: FeatureLists(["rgb": [], "audio": []]))),
            ("no id", SequenceExample(context: Features([:]), featureLists: FeatureLists(["rgb": [], "audio": []]))),
        ]
        for (name, example) in cases {
            let bytes = example.serialized()
            var generic: YT8MRecordError?
            do { _ = try FrameLevelRecord(serialized: bytes, format: format) } catch { generic = error as? YT8MRecordError }
            XCTAssertNotNil(generic, name)
            XCTAssertThrowsError(try FrameLevelExampleView(serialized: bytes, format: format, predictionsKey: nil), name) {
                XCTAssertEqual($0 as? YT8MRecordError, generic, name)
            }
        }
        // A truncated message is a protobuf error naming the field path.
        let truncated = Array(testFrameRecord(video: 3, frames: 2).frameLevelBytes.dropLast(3))
        XCTAssertThrowsError(try FrameLevelExampleView(serialized: truncated, format: format, predictionsKey: nil)) {
            guard case .malformedProtobuf? = ($0 as? YT8MRecordError)?.problem else { return XCTFail("\($0)") }
        }
    }

    func testTeacherPredictionsAreBatchedWhenPresentAndRequiredWhenAsked() throws {
        let dir = try makeTemporaryDirectory(self)
        func record(_ v: Int, predictions: Bool) -> [UInt8] {
            var context = Features(["id": .bytesList([Array("v\(v)".utf8)]), "labels": .int64List([Int64(v % 10)])])
            if predictions { context.feature["predictions"] = .floatList((0..<10).map { Float(v) + Float($0) / 10 }) }
            return SequenceExample(context: context, featureLists: FeatureLists([
                "rgb": [.bytesList([[0, 0, 0, 0]])], "audio": [.bytesList([[0, 0]])]])).serialized()
        }
        let with = "\(dir)/with.tfrecord", mixed = "\(dir)/mixed.tfrecord"
        try TFRecordWriter.write(records: [record(1, predictions: true), record(2, predictions: true)], to: with)
        try TFRecordWriter.write(records: [record(1, predictions: true), record(2, predictions: false)], to: mixed)
        var options = YT8MDatasetOptions(level: .frame, format: smallFrameFormat, batchSize: 2, maxFrames: 2,
                                         teacherPredictions: .ifPresent(key: "predictions"))
        let batch = try XCTUnwrap(try YT8MDataset(files: [with], options: options).next())
        XCTAssertEqual(batch.teacherPredictions?.shape, [2, 10])
        XCTAssertEqual(batch.teacherPredictions?.floats, (0..<10).map { 1 + Float($0) / 10 } + (0..<10).map { 2 + Float($0) / 10 })
        XCTAssertThrowsError(try YT8MDataset(files: [mixed], options: options).next()) {
            XCTAssertEqual($0 as? YT8MRecordError, YT8MRecordError(path: mixed, recordIndex: 1, field: "predictions", problem: .missing))
        }
        options.teacherPredictions = .ignore
        XCTAssertNil(try YT8MDataset(files: [with], options: options).next()?.teacherPredictions)
    }

    func testInvalidOptionsAndEmptyFileListsAreTypedErrors() throws {
        XCTAssertThrowsError(try YT8MDataset(files: [], options: YT8MDatasetOptions(level: .video))) {
            XCTAssertEqual($0 as? YT8MDatasetError, YT8MDatasetError(.noFiles))
        }
        XCTAssertThrowsError(try YT8MDataset(files: ["x"], options: YT8MDatasetOptions(level: .video, batchSize: 0))) {
            guard case .invalidOption(let name, _, _)? = ($0 as? YT8MDatasetError)?.problem else { return XCTFail("\($0)") }
            XCTAssertEqual(name, "batchSize")
        }
        XCTAssertThrowsError(try YT8MDataset(paths: ["/nonexistent/dir"], options: YT8MDatasetOptions(level: .video))) {
            XCTAssertTrue($0 is RecordFileDiscovery.NotFound)
        }
        // A missing file shows up as the reading thread's error.
        XCTAssertThrowsError(try YT8MDataset(files: ["/nonexistent/file.tfrecord"], options: YT8MDatasetOptions(level: .video)).next()) {
            XCTAssertEqual(($0 as? FileIOError)?.path, "/nonexistent/file.tfrecord")
        }
    }

    func testEpochLimitDropRemainderAndClose() throws {
        let dir = try makeTemporaryDirectory(self)
        let files = try writeFrameFiles(in: dir, files: 2, perFile: 5)
        let dataset = try YT8MDataset(files: files, options: YT8MDatasetOptions(
            level: .frame, format: smallFrameFormat, batchSize: 4, dropRemainder: true, maxFrames: 9, epochs: 2))
        XCTAssertEqual(try drainEpoch(dataset).map(\.count), [4, 4])
        XCTAssertFalse(dataset.isFinished)
        XCTAssertEqual(try drainEpoch(dataset).map(\.count), [4, 4])
        XCTAssertTrue(dataset.isFinished)
        XCTAssertNil(try dataset.next())

        let closing = try YT8MDataset(files: files, options: YT8MDatasetOptions(level: .frame, format: smallFrameFormat,
                                                                                batchSize: 1, maxFrames: 9, prefetchBatches: 1))
        XCTAssertNotNil(try closing.next())
        closing.close()  // the reading thread is blocked on the full queue; close must wake and join it
        XCTAssertNil(try closing.next())
    }

    func testParallelDecodingGivesTheSameBatches() throws {
        let dir = try makeTemporaryDirectory(self)
        let files = try writeFrameFiles(in: dir, files: 2, perFile: 11)
        var options = YT8MDatasetOptions(level: .frame, format: smallFrameFormat, batchSize: 6, shuffleBufferSize: 5,
                                         seed: 3, maxFrames: 9, frameInput: .frames(.randomWithReplacement(count: 4)))
        let one = try drainEpoch(try YT8MDataset(files: files, options: options))
        options.decodeThreads = 3
        let three = try drainEpoch(try YT8MDataset(files: files, options: options))
        XCTAssertEqual(one.map(\.ids), three.map(\.ids))
        XCTAssertEqual(one.map(\.features.floats), three.map(\.features.floats))
    }
}

extension FrameLevelRecord {
    /// Serialized in the small test format.
    var frameLevelBytes: [UInt8] { try! serialized(format: smallFrameFormat) }
}
