import Foundation
import XCTest

/// `--vocabulary` puts class names into inspect, eval and predict.
extension PipelineTests {
    func testTheVocabularyNamesClassesInInspectEvalAndPredict() throws {
        let dir = try temporaryDirectory()
        try succeed(["synth", "--out", "data", "--video-level", "--videos", "120", "--classes", "12", "--shards", "1"], in: dir)
        let vocabulary = ["--vocabulary", "data/vocabulary.csv"]
        let inspect = try succeed(["inspect", "data/video", "--top", "3", "--num-classes", "12"] + vocabulary, in: dir)
        XCTAssertTrue(inspect.contains("  0 Class 0, synthetic: "), inspect)

        let data = ["--train", "data/video/train*", "--validation", "data/video/validate*", "--num-classes", "12"]
        try succeed(["train", "--model", "logistic", "--steps", "20", "--batch-size", "16", "--validate-every", "20",
                     "--out", "run"] + data, in: dir)
        let eval = try succeed(["eval", "--checkpoint", "run/best.safetensors", "--data", "data/video/validate*",
                                "--num-classes", "12", "--classes", "2"] + vocabulary, in: dir)
        XCTAssertTrue(eval.contains("classes by AP@20"), eval)
        XCTAssertEqual(eval.split(separator: "\n").filter { $0.hasPrefix("  best ") }.count, 2, eval)
        XCTAssertEqual(eval.split(separator: "\n").filter { $0.hasPrefix("  worst ") && $0.contains(", synthetic") }.count, 2, eval)

        let predict = try yt8m(["predict", "--checkpoint", "run/best.safetensors", "--data", "data/video/validate*",
                                "--num-classes", "12", "--top-k", "3", "--out", "sub.csv"] + vocabulary, in: dir)
        XCTAssertEqual(predict.status, 0, predict.stderr)
        let named = try String(contentsOfFile: dir + "/sub.names.tsv", encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(named.first, "VideoId\tRank\tIndex\tName\tScore")
        XCTAssertEqual(named.count, 1 + 24 * 3, "3 ranks for each of the 24 validation videos")
        let first = named[1].split(separator: "\t")
        XCTAssertEqual(first.count, 5)
        XCTAssertEqual(first[1], "1")
        XCTAssertEqual(String(first[3]), "Class \(first[2]), synthetic")

        try "Index,Name\n0,a\nzero,b\n".write(toFile: dir + "/bad.csv", atomically: true, encoding: .utf8)
        let bad = try yt8m(["inspect", "data/video", "--num-classes", "12", "--vocabulary", "bad.csv"], in: dir)
        XCTAssertEqual(bad.status, 1)
        XCTAssertTrue(bad.stderr.contains("bad.csv:3: Index \"zero\" is not an integer"), bad.stderr)
    }
}
