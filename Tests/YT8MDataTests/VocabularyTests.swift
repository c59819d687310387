import Foundation
@testable import YT8MData
import TestSupport
import XCTest

/// `vocabulary.csv` read by column name with quoted fields, and the rated
/// class list of the segment task.
final class VocabularyTests: XCTestCase {
    private let header = "Index,TrainVideoCount,KnowledgeGraphId,Name,WikiUrl,Vertical1,Vertical2,Vertical3,WikiDescription"

    func testEntriesAreReadByColumnNameWithQuotedCommasQuotesAndNewlines() throws {
        let text = header + "\r\n"
            + "0,788288,/m/03bt1gh,Game,https://en.wikipedia.org/wiki/Game,Games,,,\"A game is structured play, usually \"\"fun\"\".\"\r\n"
            + #"2,400000,/m/0342h,Guitar,https://en.wikipedia.org/wiki/Guitar,Arts & Entertainment,Music,,"A guitar"# + "\nhas strings.\"\n\n"
        let vocabulary = try YT8MVocabulary.parse(text, path: "v.csv", numClasses: 5)
        XCTAssertEqual(vocabulary.entries.count, 2)
        XCTAssertEqual(vocabulary.name(of: 2), "Guitar")
        XCTAssertEqual(vocabulary.entries[2]?.verticals, ["Arts & Entertainment", "Music"])
        XCTAssertEqual(vocabulary.entries[0]?.knowledgeGraphID, "/m/03bt1gh")
        XCTAssertEqual(vocabulary.entries[0]?.trainVideoCount, 788288)
        XCTAssertEqual(vocabulary.entries[0]?.verticals, ["Games"])
        XCTAssertEqual(vocabulary.name(of: 4), "#4", "a class the file does not list keeps its number")
        // Columns in another order, only the two required ones.
        let minimal = try YT8MVocabulary.parse("Name,Index\n\"Cat, domestic\",1\n", path: "v.csv", numClasses: 5)
        XCTAssertEqual(minimal.name(of: 1), "Cat, domestic")
    }

    func testMalformedFilesAreNamedWithLineAndColumn() {
        func problem(_ text: String) -> VocabularyError? {
            do { _ = try YT8MVocabulary.parse(text, path: "v.csv", numClasses: 5); return nil } catch { return error as? VocabularyError }
        }
        XCTAssertEqual(problem(""), VocabularyError(path: "v.csv", line: 0, problem: .empty))
        XCTAssertEqual(problem("Index,Label\n0,a\n"), VocabularyError(path: "v.csv", line: 1, problem: .missingColumn("Name")))
        XCTAssertEqual(problem("Index,Name\n0,a\n0,b\n"), VocabularyError(path: "v.csv", line: 3, problem: .duplicateIndex(0, firstLine: 2)))
        XCTAssertEqual(problem("Index,Name\n7,a\n")?.problem, .indexOutOfRange(7, numClasses: 5))
        XCTAssertEqual(problem("Index,Name\nx,a\n")?.problem, .badIndex("x"))
        XCTAssertEqual(problem("Index,Name\n1,a,b\n")?.problem, .wrongFieldCount(expected: 2, found: 3))
        XCTAssertEqual(problem("Index,Name\n1,\"a\n"), VocabularyError(path: "v.csv", line: 2, problem: .malformedCSV("a quoted field is never closed")))
        XCTAssertEqual(problem("Index,Name\n1,a\"b\n")?.description, "v.csv:2: malformed CSV: a quote inside an unquoted field")
    }

    func testAMissingFileIsAFileError() {
        XCTAssertThrowsError(try YT8MVocabulary.read(path: "/nonexistent/vocabulary.csv", numClasses: 5)) {
            XCTAssertTrue("\($0)".contains("/nonexistent/vocabulary.csv"), "\($0)")
        }
    }

    func testTheStarterRatedClassesAndListFiles() throws {
        let starter = SegmentClassList.starter.classes
        XCTAssertEqual(starter.count, 1000)
        XCTAssertEqual(starter.first, 3)
        XCTAssertEqual(starter.last, 1831)
        XCTAssertTrue(starter.allSatisfy { $0 < 3862 })
        let dir = try makeTemporaryDirectory(self)
        try "Index\r\n12\n 4 \n\n12\n".write(toFile: dir + "/ids.csv", atomically: true, encoding: .utf8)
        XCTAssertEqual(try SegmentClassList.read(path: dir + "/ids.csv", numClasses: 20).classes, [4, 12])
        try "Index\n4\nfour\n".write(toFile: dir + "/bad.csv", atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try SegmentClassList.read(path: dir + "/bad.csv", numClasses: 20)) {
            XCTAssertEqual("\($0)", "\(dir)/bad.csv:3: \"four\" is not a class index")
        }
        XCTAssertThrowsError(try SegmentClassList.read(path: dir + "/ids.csv", numClasses: 10)) {
            XCTAssertEqual(($0 as? SegmentClassListError)?.problem, .outOfRange(12, numClasses: 10))
        }
    }
}
