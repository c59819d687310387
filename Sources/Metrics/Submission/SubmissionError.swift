/// A malformed Kaggle submission file: which file, which line (1-based), and what was wrong.
public struct SubmissionError: Error, CustomStringConvertible, Equatable {
    /// What was wrong.
    public enum Problem: Equatable {
        /// The file is empty (no header).
        case emptyFile
        /// The first line is not `VideoId,LabelConfidencePairs`.
        case badHeader(found: String)
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

    public var description: String {
        let what: String
        switch problem {
        case .emptyFile: what = "file is empty, expected header \"\(KaggleSubmission.header)\""
        case .badHeader(let found): what = "header is \"\(found)\", expected \"\(KaggleSubmission.header)\""
        case .missingComma: what = "no comma between video id and label/score pairs"
        case .emptyVideoID: what = "empty video id"
        case .oddTokenCount(let n): what = "\(n) tokens after the comma; expected \"label score\" pairs"
        case .badLabel(let token): what = "label \"\(token)\" is not a non-negative integer"
        case .badScore(let token): what = "score \"\(token)\" is not a number"
        case .duplicateLabel(let label): what = "label \(label) appears twice"
        case .duplicateVideoID(let id, let first): what = "video id \"\(id)\" already appeared on line \(first)"
        case .invalidUTF8: what = "file is not valid UTF-8"
        }
        return line > 0 ? "\(path):\(line): \(what)" : "\(path): \(what)"
    }
}
