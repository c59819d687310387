import Foundation
import XCTest
import Zoo

/// `yt8m zoo --json`: the listing for scripts, with exact counts.
extension PipelineTests {
    func testTheZooListsAsJSONWithExactCounts() throws {
        let dir = try temporaryDirectory()
        let output = try succeed(["zoo", "--json", "--size", "small", "--num-classes", "10"], in: dir)
        let models = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(output.utf8)) as? [[String: Any]])
        XCTAssertEqual(models.map { $0["name"] as? String }, ModelZoo.entries.map(\.name))
        for (object, entry) in zip(models, ModelZoo.entries) {
            XCTAssertEqual(object["parameters"] as? Int, try entry.parameterCount(size: .small, numClasses: 10), entry.name)
            XCTAssertEqual(object["level"] as? String, entry.level.rawValue)
            XCTAssertEqual(object["reportedGAP"] as? String, entry.reportedGAP)
        }
    }
}
