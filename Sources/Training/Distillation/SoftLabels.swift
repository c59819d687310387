import TFRecord
import YT8MData
import Foundation

/// Soft labels for distillation (Skalic & Austin 2018): a teacher's
/// predictions stored in each record as the float-list context feature
/// `predictions` (num_classes values), as miha's prepare_distill_dataset.py
/// writes them, so the student's dataset reads labels and teacher together.
public enum SoftLabels {
    /// A record whose video has no teacher prediction.
    public struct MissingPrediction: Error, CustomStringConvertible {
        /// The input file being annotated.
        public let file: String
        /// The record's position in the file, from 0.
        public let record: Int
        /// The video id the predictions lack.
        public let videoID: String
        /// The problem in words, naming what was wrong and where.
        public var description: String { "\(file): record \(record): no teacher prediction for video '\(videoID)'" }
    }

    /// Copies every record of `input` to `output` (atomically) with context
    /// feature `key` set to `predictions[id]`; all other features are kept as
    /// they are. Works for video-level (Example) and frame-level
    /// (SequenceExample) files. Returns the number of records written.
    @discardableResult
    public static func annotate(input: String, output: String, predictions: [String: [Float]], frameLevel: Bool,
                                format: YT8MRecordFormat, key: String = "predictions") throws -> Int {
        let reader = try TFRecordReader(path: input)
        let writer = try TFRecordWriter(path: output)
        var n = 0
        do {
            while let bytes = try reader.next() {
                func prediction(_ features: Features) throws -> [Float] {
                    guard case .bytesList(let ids)? = features.feature[format.idKey], let first = ids.first else {
                        throw YT8MRecordError(path: input, recordIndex: n, field: format.idKey, problem: .missing)
                    }
                    let id = String(decoding: first, as: UTF8.self)
                    guard let p = predictions[id] else { throw MissingPrediction(file: input, record: n, videoID: id) }
                    return p
                }
                if frameLevel {
                    var e = try SequenceExample(serialized: bytes)
                    e.context.feature[key] = .floatList(try prediction(e.context))
                    try writer.write(e.serialized())
                } else {
                    var e = try Example(serialized: bytes)
                    e.features.feature[key] = .floatList(try prediction(e.features))
                    try writer.write(e.serialized())
                }
                n += 1
            }
            try writer.close()
        } catch {
            writer.abort()
            throw error
        }
        return n
    }

    /// Splits files into k folds round-robin (fold i holds files i, i+k, …).
    public static func folds(_ files: [String], k: Int) -> [[String]] {
        precondition(k >= 2 && k <= files.count, "SoftLabels.folds: need 2 ≤ k ≤ \(files.count) files, got k = \(k)")
        return (0..<k).map { f in files.enumerated().filter { $0.offset % k == f }.map(\.element) }
    }
}
