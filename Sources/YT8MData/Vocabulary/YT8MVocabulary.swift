import FileIO
import Foundation

/// The release's `vocabulary.csv`: each class index's name and metadata,
/// so predictions, per-class tables and label histograms can say
/// "Guitar" rather than 33. Columns are found by name in the header
/// (`Index,TrainVideoCount,KnowledgeGraphId,Name,WikiUrl,Vertical1,…`);
/// only `Index` and `Name` are required, the others are kept when present.
public struct YT8MVocabulary: Equatable, Sendable {
    /// One class of the vocabulary.
    public struct Entry: Equatable, Sendable {
        /// The class index (the `Index` column), in `0..<numClasses`.
        public var index: Int
        /// The class's display name (the `Name` column, as written).
        public var name: String
        /// The Knowledge Graph id (`/m/…`), empty when the file has no such column.
        public var knowledgeGraphID: String
        /// The non-empty verticals (`Vertical1`…`Vertical3`), broadest first.
        public var verticals: [String]
        /// Training videos labelled with the class, when the file says.
        public var trainVideoCount: Int?
    }

    /// The entries by class index.
    public let entries: [Int: Entry]

    /// A vocabulary of `entries`; of several entries with the same index the first is kept.
    public init(entries: [Entry]) {
        self.entries = Dictionary(entries.map { ($0.index, $0) }, uniquingKeysWith: { a, _ in a })
    }

    /// The class's name, or `#INDEX` for a class the file does not list.
    public func name(of index: Int) -> String { entries[index]?.name ?? "#\(index)" }

    /// Reads a vocabulary file; classes must lie in `0..<numClasses`. Throws
    /// `VocabularyError` naming the file, line and column, `FileIOError`
    /// when the file cannot be read.
    public static func read(path: String, numClasses: Int) throws -> YT8MVocabulary {
        let bytes = try readWholeFile(path)
        guard let text = String(validating: bytes, as: UTF8.self) else { throw VocabularyError(path: path, line: 0, problem: .invalidUTF8) }
        return try parse(text, path: path, numClasses: numClasses)
    }

    /// Parses vocabulary text; `path` only labels errors.
    public static func parse(_ text: String, path: String, numClasses: Int) throws -> YT8MVocabulary {
        let records: [(line: Int, fields: [String])]
        do { records = try CSVRecords.parse(text) } catch { throw VocabularyError(path: path, line: error.line, problem: .malformedCSV(error.reason)) }
        guard let header = records.first else { throw VocabularyError(path: path, line: 0, problem: .empty) }
        let columns = Dictionary(header.fields.enumerated().map { ($1.trimmingCharacters(in: .whitespaces), $0) }, uniquingKeysWith: { a, _ in a })
        func column(_ name: String) throws -> Int {
            guard let c = columns[name] else { throw VocabularyError(path: path, line: header.line, problem: .missingColumn(name)) }
            return c
        }
        let indexColumn = try column("Index"), nameColumn = try column("Name")
        var entries: [Entry] = []
        var lineOfIndex: [Int: Int] = [:]
        for (line, fields) in records.dropFirst() {
            let fail = { (problem: VocabularyError.Problem) in VocabularyError(path: path, line: line, problem: problem) }
            guard fields.count == header.fields.count else { throw fail(.wrongFieldCount(expected: header.fields.count, found: fields.count)) }
            let indexText = fields[indexColumn].trimmingCharacters(in: .whitespaces)
            guard let index = Int(indexText) else { throw fail(.badIndex(indexText)) }
            guard (0..<numClasses).contains(index) else { throw fail(.indexOutOfRange(index, numClasses: numClasses)) }
            if let first = lineOfIndex[index] { throw fail(.duplicateIndex(index, firstLine: first)) }
            lineOfIndex[index] = line
            let verticals = ["Vertical1", "Vertical2", "Vertical3"].compactMap { columns[$0].map { fields[$0] } }.filter { !$0.isEmpty }
            entries.append(Entry(index: index, name: fields[nameColumn], knowledgeGraphID: columns["KnowledgeGraphId"].map { fields[$0] } ?? "",
                                 verticals: verticals, trainVideoCount: columns["TrainVideoCount"].flatMap { Int(fields[$0]) }))
        }
        return YT8MVocabulary(entries: entries)
    }
}

/// A vocabulary file that cannot be used: the file, the 1-based line (0 for the whole file), what was wrong.
public struct VocabularyError: Error, Equatable, CustomStringConvertible {
    /// What was wrong with the file.
    public enum Problem: Equatable, Sendable {
        /// The file's bytes are not valid UTF-8 text.
        case invalidUTF8
        /// The file holds no record (only blank lines), so not even the header.
        case empty
        /// The text is not well-formed CSV (a stray quote, or a quoted field never closed); the reason.
        case malformedCSV(String)
        /// The header lacks a required column (`Index` or `Name`).
        case missingColumn(String)
        /// A row has a different number of fields from the header.
        case wrongFieldCount(expected: Int, found: Int)
        /// An `Index` field that is not an integer.
        case badIndex(String)
        /// An `Index` outside `0..<numClasses`.
        case indexOutOfRange(Int, numClasses: Int)
        /// An `Index` already given on the 1-based line `firstLine`.
        case duplicateIndex(Int, firstLine: Int)
    }

    /// The vocabulary file, as given to ``YT8MVocabulary/read(path:numClasses:)``
    /// (or the label given to ``YT8MVocabulary/parse(_:path:numClasses:)``).
    public var path: String
    /// The 1-based line of the problem; 0 when it concerns the whole file.
    public var line: Int
    /// What was wrong.
    public var problem: Problem

    /// The problem in words, naming what was wrong and where.
    public var description: String {
        let what: String
        switch problem {
        case .invalidUTF8: what = "is not valid UTF-8"
        case .empty: what = "is empty, expected a header with Index and Name columns"
        case .malformedCSV(let reason): what = "malformed CSV: \(reason)"
        case .missingColumn(let name): what = "the header has no \(name) column"
        case .wrongFieldCount(let expected, let found): what = "\(found) fields, the header has \(expected)"
        case .badIndex(let text): what = "Index \"\(text)\" is not an integer"
        case .indexOutOfRange(let i, let n): what = "Index \(i) is outside 0..<\(n)"
        case .duplicateIndex(let i, let first): what = "Index \(i) already appeared on line \(first)"
        }
        return line > 0 ? "\(path):\(line): \(what)" : "\(path): \(what)"
    }
}
