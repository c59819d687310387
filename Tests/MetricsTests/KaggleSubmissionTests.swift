@testable import Metrics
import TestSupport
import XCTest

final class KaggleSubmissionTests: XCTestCase {
    func testScoresFormatLikePythonPercentG() {
        // Python: "%g" % numpy.float32(x) for each x.
        XCTAssertEqual(KaggleSubmission.formatScore(0.9), "0.9")
        XCTAssertEqual(KaggleSubmission.formatScore(1), "1")
        XCTAssertEqual(KaggleSubmission.formatScore(0.123456789), "0.123457")
        XCTAssertEqual(KaggleSubmission.formatScore(1e-5), "1e-05")
        XCTAssertEqual(KaggleSubmission.formatScore(0.000123), "0.000123")
        XCTAssertEqual(KaggleSubmission.formatScore(0), "0")
    }

    func testWriterKeepsTop20SortedByScoreDescending() throws {
        let path = try makeTemporaryDirectory(self) + "/submission.csv"
        var scores = [Float](repeating: 0, count: 30)
        for c in 0..<30 { scores[c] = Float(c) / 32 }  // exact in float32: c/32
        scores[3] = 0.5
        scores[10] = 1e-5
        let writer = try KaggleSubmission.Writer(path: path)
        try writer.write(videoID: "abcd", scores: scores)
        try writer.write(videoID: "efgh", ranked: [ClassScore(classIndex: 7, score: 0.9), ClassScore(classIndex: 2, score: 0.25)])
        try writer.close()
        let text = String(decoding: try bytesOf(path), as: UTF8.self)
        // Top 20 of c/32 for c in 0..<30 (c3 → 0.5, c10 → 1e-5): c29 … c16 is 14 classes at
        // 0.90625 … 0.5, then c3 = 0.5 after c16 = 0.5 (class index tie rule), then c15 … c11.
        let expectedFirst = "abcd,29 0.90625 28 0.875 27 0.84375 26 0.8125 25 0.78125 24 0.75 23 0.71875 22 0.6875 "
            + "21 0.65625 20 0.625 19 0.59375 18 0.5625 17 0.53125 3 0.5 16 0.5 15 0.46875 14 0.4375 13 0.40625 "
            + "12 0.375 11 0.34375"
        XCTAssertEqual(text, "VideoId,LabelConfidencePairs\n" + expectedFirst + "\nefgh,7 0.9 2 0.25\n")
    }

    func testWrittenFileReadsBack() throws {
        let path = try makeTemporaryDirectory(self) + "/s.csv"
        let rows = [KaggleSubmission.Row(videoID: "a", predictions: [.init(classIndex: 5, score: 0.75), .init(classIndex: 1, score: 0.125)]),
                    KaggleSubmission.Row(videoID: "b", predictions: [])]
        try KaggleSubmission.write(rows: rows, to: path)
        XCTAssertEqual(try KaggleSubmission.read(path: path), rows)
    }

    func testReaderAcceptsCRLFAndBlankLines() throws {
        let rows = try KaggleSubmission.parse("VideoId,LabelConfidencePairs\r\nv1,3 0.5\r\n\r\nv2,1 1e-05 4 0\r\n", path: "s.csv")
        XCTAssertEqual(rows.map(\.videoID), ["v1", "v2"])
        XCTAssertEqual(rows[1].predictions, [.init(classIndex: 1, score: 1e-5), .init(classIndex: 4, score: 0)])
    }

    private func parseError(_ text: String) -> SubmissionError? {
        do {
            _ = try KaggleSubmission.parse(text, path: "s.csv")
            return nil
        } catch {
            return error as? SubmissionError
        }
    }

    func testReaderErrorsNameLineAndProblem() {
        let header = "VideoId,LabelConfidencePairs\n"
        XCTAssertEqual(parseError(""), SubmissionError(path: "s.csv", line: 0, problem: .emptyFile))
        XCTAssertEqual(parseError("VideoId,Labels\nv,1\n"),
                       SubmissionError(path: "s.csv", line: 1, problem: .badHeader(found: "VideoId,Labels", expected: KaggleSubmission.header)))
        XCTAssertEqual(parseError(header + "v1,1 0.5\nv2 1 0.5\n"), SubmissionError(path: "s.csv", line: 3, problem: .missingComma))
        XCTAssertEqual(parseError(header + ",1 0.5\n"), SubmissionError(path: "s.csv", line: 2, problem: .emptyVideoID))
        XCTAssertEqual(parseError(header + "v1,1 0.5 2\n"), SubmissionError(path: "s.csv", line: 2, problem: .oddTokenCount(3)))
        XCTAssertEqual(parseError(header + "v1,x 0.5\n"), SubmissionError(path: "s.csv", line: 2, problem: .badLabel("x")))
        XCTAssertEqual(parseError(header + "v1,1:0.5 2\n"), SubmissionError(path: "s.csv", line: 2, problem: .badLabel("1:0.5")))
        XCTAssertEqual(parseError(header + "v1,1 abc\n"), SubmissionError(path: "s.csv", line: 2, problem: .badScore("abc")))
        XCTAssertEqual(parseError(header + "v1,1 0.5 1 0.25\n"), SubmissionError(path: "s.csv", line: 2, problem: .duplicateLabel(1)))
        XCTAssertEqual(parseError(header + "v1,1 0.5\nv1,2 0.5\n"),
                       SubmissionError(path: "s.csv", line: 3, problem: .duplicateVideoID("v1", firstLine: 2)))
        XCTAssertEqual(parseError(header + "v1,1 0.5\n").map(\.description), nil)
        XCTAssertEqual(SubmissionError(path: "s.csv", line: 3, problem: .missingComma).description,
                       "s.csv:3: no comma between video id and label/score pairs")
    }
}
