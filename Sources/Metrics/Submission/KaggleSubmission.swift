import FileIO
import Foundation

/// The Kaggle YouTube-8M submission CSV (google/youtube-8m `inference.py` `format_lines`):
/// header `VideoId,LabelConfidencePairs`, then one line per video `<id>,<label> <score> …` with the
/// top-k (20) classes by score descending, label as `%i`, score as `%g` (6 significant digits),
/// single spaces. Ties in score are ordered by class index ascending (`ClassScore.ranksBefore`).
public enum KaggleSubmission {
    /// The header line.
    public static let header = "VideoId,LabelConfidencePairs"

    /// One submission line: a video id and its (class, score) pairs, best first.
    public struct Row: Equatable, Sendable {
        /// The video id.
        public var videoID: String
        /// The predictions, in file order (score descending in well-formed files).
        public var predictions: [ClassScore]

        /// Creates a row.
        public init(videoID: String, predictions: [ClassScore]) {
            self.videoID = videoID
            self.predictions = predictions
        }
    }

    /// Formats one line (without newline): `id,label score label score …` for `ranked` in order.
    public static func formatLine(videoID: String, ranked: [ClassScore]) -> String {
        var line = videoID + ","
        for (i, entry) in ranked.enumerated() {
            if i > 0 { line += " " }
            line += String(entry.classIndex)
            line += " "
            line += formatScore(entry.score)
        }
        return line
    }

    /// `%g` of the score promoted to double, as Python's `"%g" % numpy.float32(x)` prints it.
    public static func formatScore(_ score: Float) -> String {
        var buffer = [CChar](repeating: 0, count: 32)
        _ = withVaList([Double(score)]) { args in
            buffer.withUnsafeMutableBufferPointer { vsnprintf($0.baseAddress!, 32, "%g", args) }
        }
        return String(cString: buffer)
    }

    /// Reads a submission file. Throws `SubmissionError` with the line number on malformed input,
    /// `FileIOError` if the file cannot be read. Blank lines are skipped; `\r\n` endings accepted.
    public static func read(path: String) throws -> [Row] {
        let bytes = try readWholeFile(path)
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw SubmissionError(path: path, line: 0, problem: .invalidUTF8)
        }
        return try parse(text, path: path)
    }

    /// Parses submission text; `path` only labels errors.
    public static func parse(_ text: String, path: String) throws -> [Row] {
        var rows: [Row] = []
        var firstLineOfID: [String: Int] = [:]
        var lineNumber = 0
        var sawHeader = false
        if text.allSatisfy({ $0.isWhitespace }) {
            throw SubmissionError(path: path, line: 0, problem: .emptyFile)
        }
        for rawLine in text.utf8.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            lineNumber += 1
            var line = Substring(rawLine)
            if line.utf8.last == UInt8(ascii: "\r") { line = Substring(line.utf8.dropLast()) }
            if !sawHeader {
                guard line == header[...] else {
                    throw SubmissionError(path: path, line: lineNumber, problem: .badHeader(found: String(line), expected: header))
                }
                sawHeader = true
                continue
            }
            if line.allSatisfy({ $0 == " " }) { continue }
            let fail = { (problem: SubmissionError.Problem) in SubmissionError(path: path, line: lineNumber, problem: problem) }
            guard let comma = line.firstIndex(of: ",") else { throw fail(.missingComma) }
            let id = String(line[..<comma])
            guard !id.isEmpty else { throw fail(.emptyVideoID) }
            if let first = firstLineOfID[id] { throw fail(.duplicateVideoID(id, firstLine: first)) }
            firstLineOfID[id] = lineNumber
            let tokens = line[line.index(after: comma)...].split(separator: " ")
            guard tokens.count % 2 == 0 else { throw fail(.oddTokenCount(tokens.count)) }
            var predictions: [ClassScore] = []
            predictions.reserveCapacity(tokens.count / 2)
            var seen = Set<Int>()
            for pair in stride(from: 0, to: tokens.count, by: 2) {
                guard let label = Int(tokens[pair]), label >= 0 else { throw fail(.badLabel(String(tokens[pair]))) }
                guard let score = Float(tokens[pair + 1]), !score.isNaN else { throw fail(.badScore(String(tokens[pair + 1]))) }
                guard seen.insert(label).inserted else { throw fail(.duplicateLabel(label)) }
                predictions.append(ClassScore(classIndex: label, score: score))
            }
            rows.append(Row(videoID: id, predictions: predictions))
        }
        guard sawHeader else { throw SubmissionError(path: path, line: 0, problem: .emptyFile) }
        return rows
    }

    /// Writes a submission atomically (temporary file, fsync, rename) from rows whose predictions
    /// are already ranked best first.
    public static func write(rows: [Row], to path: String) throws {
        let writer = try Writer(path: path)
        for row in rows {
            try writer.write(videoID: row.videoID, ranked: row.predictions)
        }
        try writer.close()
    }

    /// Streams a submission to disk atomically: nothing appears at `path` until `close()`.
    public final class Writer {
        /// The destination file.
        public var path: String { file.path }
        /// Number of classes written per video.
        public let topK: Int
        private let file: AtomicFileWriter

        /// Starts a submission at `path` and writes the header.
        public init(path: String, topK: Int = 20) throws {
            self.topK = topK
            file = try AtomicFileWriter(path: path)
            try file.write(KaggleSubmission.header + "\n")
        }

        /// Writes the top-`topK` classes of one video's full score row, best first.
        public func write(videoID: String, scores: [Float]) throws {
            try write(videoID: videoID, ranked: TopKSelection.select(scores, k: topK))
        }

        /// Writes one line with `ranked` as given (already best first).
        public func write(videoID: String, ranked: [ClassScore]) throws {
            try file.write(KaggleSubmission.formatLine(videoID: videoID, ranked: ranked) + "\n")
        }

        /// Flushes, fsyncs and renames the file into place.
        public func close() throws {
            try file.commit()
        }
    }
}
