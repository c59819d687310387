import Foundation
import Metrics
import NN
import TFRecord
import YT8MData

/// One fuzz input, as libFuzzer or the corpus replay hands it over: the
/// first byte picks the reader, the rest is what that reader is given.
/// Every reader must either succeed or throw; a trap, an overflow, an
/// out-of-bounds access or an allocation over the fuzzer's limit is a bug.
///
/// The decoders get the bytes directly, not behind a TFRecord frame, since
/// a mutated frame would almost never pass its CRC and the decoders behind
/// it would go untested; the dataset path gets them framed with valid CRCs
/// for the same reason.
enum FuzzInput {
    /// The readers, in the order of the selector byte (modulo their count).
    enum Reader: UInt8, CaseIterable {
        /// A whole TFRecord file: framing, lengths, both CRCs; strict and skipping.
        case tfRecordFile
        /// One serialized record through every protobuf and YouTube-8M decoder.
        case exampleDecoders
        /// One record, framed, through the dataset's zero-copy views (video and frame level).
        case datasetRecord
        /// A safetensors file: header length, JSON, dtypes, shapes, offsets.
        case safetensorsFile
        /// A Kaggle submission CSV, read as each kind (video and segment).
        case kaggleCSV
    }

    /// Where file-based readers read the input (one file per process, rewritten for each input).
    static let scratchPath: String = {
        let dir = FileManager.default.fileExists(atPath: "/dev/shm") ? "/dev/shm" : NSTemporaryDirectory()
        return dir + "/record-fuzzer-\(getpid())"
    }()

    /// Runs the reader the first byte selects on the remaining bytes.
    static func run(_ input: [UInt8]) {
        guard let selector = input.first else { return }
        let body = Array(input.dropFirst())
        let reader = Reader.allCases[Int(selector) % Reader.allCases.count]
        switch reader {
        case .tfRecordFile:
            write(body)
            _ = try? TFRecordReader.readAll(path: scratchPath)
            if let reader = try? TFRecordReader(path: scratchPath, options: .init(skipCorrupt: true)) {
                while let record = try? reader.next() { _ = record }
            }
        case .exampleDecoders:
            for format in [YT8MRecordFormat.yt8m2018, .yt8m2017] {
                _ = try? VideoLevelRecord(serialized: body, format: format)
                _ = try? FrameLevelRecord(serialized: body, format: format)
            }
            _ = try? Example(serialized: body)
            _ = try? SequenceExample(serialized: body, includeFeatureLists: true)
            _ = try? SequenceExample(serialized: body, includeFeatureLists: false)
        case .datasetRecord:
            write(body.withUnsafeBytes { TFRecordWriter.framed($0) })
            for level in [YT8MDatasetLevel.video, .frame] {
                let options = YT8MDatasetOptions(level: level, batchSize: 2, maxFrames: 8,
                                                 teacherPredictions: .ifPresent(key: "predictions"), epochs: 1)
                guard let dataset = try? YT8MDataset(files: [scratchPath], options: options) else { continue }
                while let batch = try? dataset.next() { _ = batch }
            }
        case .safetensorsFile:
            write(body)
            _ = try? SafeTensors.read(scratchPath)
            _ = try? SafeTensors.readMetadata(scratchPath)
        case .kaggleCSV:
            let text = String(decoding: body, as: UTF8.self)
            _ = try? KaggleSubmission.parse(text, path: "input.csv")
            _ = try? SegmentSubmission.parse(text, path: "input.csv")
        }
    }

    private static func write(_ bytes: [UInt8]) {
        _ = FileManager.default.createFile(atPath: scratchPath, contents: Data(bytes))
    }
}
