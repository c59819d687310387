/// A malformed Kaggle submission file: which file, which line (1-based), and what was wrong.
public struct SubmissionError: Error, CustomStringConvertible, Equatable {
    /// What was wrong.
    public enum Problem: Equatable {
        /// The file is empty (no header).
        case emptyFile
        /// The first line is not the expected header.
        case badHeader(found: String, expected: String)
        /// A line without the comma separating the id from the pairs.
        case missingComma
        /// A line with an empty video id.
        case emptyVideoID
        /// An odd number of space-separated tokens after the comma (pairs are `label score`).
        case oddTokenCount(Int)
        /// A label token that is not a non-negative integer.
        case badLabel(String)
        /// A score token that is not a number (or is NaN).
        case badScore(String)
        /// The same class twice on one line.
        case duplicateLabel(Int)
        /// The same video id on two lines.
        case duplicateVideoID(String, firstLine: Int)
        /// The file is not valid UTF-8.
        case invalidUTF8
        /// A segment submission's class that is not a non-negative integer.
        case badClass(String)
        /// The same class on two lines of a segment submission.
        case duplicateClass(Int, firstLine: Int)
        /// A segment id that is not `VIDEO:START` (START a non-negative integer).
        case badSegmentID(String)
        /// The same segment twice in one class's list.
        case duplicateSegment(String)
    }

    /// The submission file.
    public var path: String
    /// 1-based line number (0 when the problem concerns the whole file).
    public var line: Int
    /// What was wrong.
    public var problem: Problem

    /// Creates an error at `line` of `path`.
    public init(path: String, line: Int, problem: Problem) {
        self.path = path
        self.line = line
        self.problem = problem
    }

    /// The problem in words, naming what was wrong and where.
    public var description: String {
        let what: String
        switch problem {
        case .emptyFile: what = "file is empty, expected a header line"
        case .badHeader(let found, let expected): what = "header is \"\(found)\", expected \"\(expected)\""
        case .missingComma: what = "no comma between video id and label/score pairs"
        case .emptyVideoID: what = "empty video id"
        case .oddTokenCount(let n): what = "\(n) tokens after the comma; expected \"label score\" pairs"
        case .badLabel(let token): what = "label \"\(token)\" is not a non-negative integer"
        case .badScore(let token): what = "score \"\(token)\" is not a number"
        case .duplicateLabel(let label): what = "label \(label) appears twice"
        case .duplicateVideoID(let id, let first): what = "video id \"\(id)\" already appeared on line \(first)"
        case .invalidUTF8: what = "file is not valid UTF-8"
        case .badClass(let token): what = "class \"\(token)\" is not a non-negative integer"
        case .duplicateClass(let c, let first): what = "class \(c) already appeared on line \(first)"
        case .badSegmentID(let token): what = "segment \"\(token)\" is not VIDEO:START"
        case .duplicateSegment(let id): what = "segment \(id) appears twice"
        }
        return line > 0 ? "\(path):\(line): \(what)" : "\(path): \(what)"
    }
}
