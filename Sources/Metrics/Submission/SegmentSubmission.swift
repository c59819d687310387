import FileIO
import Foundation

/// The 2019 segment-task submission CSV (the starter's `inference.py
/// --segment_labels`): header `Class,Segments`, then one line per class,
/// `<class>,<segment> <segment> …`, its segments (`VIDEO:START`) most
/// confident first. Reading accepts `\r\n`, blank lines, runs of spaces and
/// trailing spaces; ids may hold `-` and `_` (and `:`; the start is after
/// the last one).
public enum SegmentSubmission {
    /// The header line.
    public static let header = "Class,Segments"

    /// Reads a segment submission. Throws `SubmissionError` with the line
    /// number on malformed input, `FileIOError` if the file cannot be read.
    public static func read(path: String) throws -> SegmentRanking {
        let bytes = try readWholeFile(path)
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw SubmissionError(path: path, line: 0, problem: .invalidUTF8)
        }
        return try parse(text, path: path)
    }

    /// Parses submission text; `path` only labels errors.
    public static func parse(_ text: String, path: String) throws -> SegmentRanking {
        var ranking: [Int: [String]] = [:]
        var firstLineOfClass: [Int: Int] = [:]
        var sawHeader = false
        // "\r\n" is one Character in Swift, so it is a separator of its own.
        let lines = text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" })
        for (index, line) in lines.enumerated() {
            let lineNumber = index + 1
            if line.allSatisfy({ $0 == " " }) { continue }
            let fail = { (problem: SubmissionError.Problem) in SubmissionError(path: path, line: lineNumber, problem: problem) }
            if !sawHeader {
                guard line.trimmingCharacters(in: .whitespaces) == header else { throw fail(.badHeader(found: String(line), expected: header)) }
                sawHeader = true
                continue
            }
            guard let comma = line.firstIndex(of: ",") else { throw fail(.missingComma) }
            let classToken = line[..<comma].trimmingCharacters(in: .whitespaces)
            guard let c = Int(classToken), c >= 0 else { throw fail(.badClass(classToken)) }
            if let first = firstLineOfClass[c] { throw fail(.duplicateClass(c, firstLine: first)) }
            firstLineOfClass[c] = lineNumber
            var seen = Set<Substring>()
            var segments: [String] = []
            for token in line[line.index(after: comma)...].split(separator: " ") {
                guard let colon = token.lastIndex(of: ":"), colon != token.startIndex,
                      let start = Int(token[token.index(after: colon)...]), start >= 0 else { throw fail(.badSegmentID(String(token))) }
                guard seen.insert(token).inserted else { throw fail(.duplicateSegment(String(token))) }
                segments.append(String(token))
            }
            ranking[c] = segments
        }
        guard sawHeader else { throw SubmissionError(path: path, line: 0, problem: .emptyFile) }
        return SegmentRanking(segmentsByClass: ranking)
    }

    /// Writes `ranking` atomically (temporary file, fsync, rename), classes
    /// in ascending order.
    public static func write(_ ranking: SegmentRanking, to path: String) throws {
        let file = try AtomicFileWriter(path: path)
        try file.write(header + "\n")
        for c in ranking.segmentsByClass.keys.sorted() {
            try file.write("\(c),\(ranking.segmentsByClass[c]!.joined(separator: " "))\n")
        }
        try file.commit()
    }
}
