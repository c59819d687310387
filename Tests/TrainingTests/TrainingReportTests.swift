@testable import Training
import Tensor
import Foundation
import XCTest

final class TrainingReportTests: XCTestCase {
    func testProgressLineShowsStepRateLossGAPAndETA() {
        var lines: [String] = []
        let p = ProgressReporter(totalSteps: 100, interval: 0) { lines.append($0) }
        p.step(1, batchSize: 32, loss: 0.5)
        // 50 steps of 32 examples in 10 s: 160 ex/s, 1 s a step... checked on the line formatter directly.
        let line = p.line(step: 50, elapsed: 10, validationGAP: 0.8123, epoch: 2)
        XCTAssertEqual(line, "step 50/100  epoch 2  3 ex/s  loss 0.5000  val GAP 0.8123  ETA 10s")
        XCTAssertEqual(lines.count, 1)
        XCTAssertTrue(lines[0].hasPrefix("step 1/100"))
    }

    func testDurationsReadLikeAClock() {
        XCTAssertEqual(ProgressReporter.duration(42), "42s")
        XCTAssertEqual(ProgressReporter.duration(75), "1m15s")
        XCTAssertEqual(ProgressReporter.duration(3725), "1h02m")
    }

    func testMetricsLogWritesAndReadsCSVWithGaps() throws {
        let log = MetricsLog()
        log.record(step: 10, ["train_loss": 0.5])
        log.record(step: 20, ["train_loss": 0.25])
        log.record(step: 20, ["val_gap": 0.75])
        XCTAssertEqual(log.csv(), "step,train_loss,val_gap\n10,0.5,\n20,0.25,0.75\n")
        let path = NSTemporaryDirectory() + "log-\(UUID().uuidString).csv"
        defer { try? FileManager.default.removeItem(atPath: path) }
        try log.save(to: path)
        let back = try MetricsLog.load(from: path)
        XCTAssertEqual(back.csv(), log.csv())
        XCTAssertEqual(back.series("val_gap").map(\.value), [0.75])
    }

    func testABadLogNamesTheLine() throws {
        let path = NSTemporaryDirectory() + "bad-\(UUID().uuidString).csv"
        defer { try? FileManager.default.removeItem(atPath: path) }
        try "step,loss\n1,0.5\n2,abc\n".write(toFile: path, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try MetricsLog.load(from: path)) { XCTAssertEqual(($0 as? MetricsLogError)?.line, 3) }
    }

    func testTicksAreRoundNumbers() {
        XCTAssertEqual(CurvePlot.niceTicks(0.0025, 1.048), [0.2, 0.4, 0.6, 0.8, 1.0].map { $0 }, accuracy: 1e-12)
        XCTAssertEqual(CurvePlot.niceTicks(10, 200), [50, 100, 150, 200], accuracy: 1e-12)
    }

    func testLogTicksArePowersOfTenOrTheirRoundMultiples() {
        XCTAssertEqual(CurvePlot.logTicks(0.0021, 0.75), [0.01, 0.1], accuracy: 1e-15)
        XCTAssertEqual(CurvePlot.logTicks(0.03, 0.7), [0.05, 0.1, 0.2, 0.5], accuracy: 1e-15)
    }

    /// Losses from 1 to 0.01 on a log axis: 0.1 sits halfway between them.
    func testLossPanelIsLogarithmicWhenEveryLossIsPositive() {
        let log = MetricsLog()
        for (s, loss) in [1.0, 0.1, 0.01].enumerated() { log.record(step: s + 1, ["train_loss": loss]) }
        let svg = log.curvePlot(title: "run").svg()
        XCTAssertTrue(svg.contains("Loss (log scale)"))
        let line = svg.components(separatedBy: "\n").first { $0.hasPrefix("<polyline") }!
        let ys = line.components(separatedBy: "points=\"")[1].split(separator: "\"")[0].split(separator: " ")
            .map { Double($0.split(separator: ",")[1])! }
        XCTAssertEqual(ys[1] - ys[0], ys[2] - ys[1], accuracy: 0.11)
        let withZero = MetricsLog()
        for (s, loss) in [1.0, 0].enumerated() { withZero.record(step: s + 1, ["train_loss": loss]) }
        XCTAssertFalse(withZero.curvePlot(title: "run").svg().contains("log scale"), "a zero loss keeps the linear axis")
    }

    func testCurvePlotDrawsOneLinePerSeriesWithALegend() {
        let log = MetricsLog()
        for s in 1...20 { log.record(step: s * 10, ["train_loss": 1 / Double(s), "val_gap": Double(s) / 25]) }
        let svg = log.curvePlot(title: "run").svg()
        XCTAssertTrue(svg.hasPrefix("<svg"))
        XCTAssertEqual(svg.components(separatedBy: "<polyline").count - 1, 2)
        XCTAssertTrue(svg.contains(">train_loss</text>") && svg.contains(">val_gap</text>"))
        if let out = ProcessInfo.processInfo.environment["YT8M_PLOT_OUT"] { try? svg.write(toFile: out, atomically: true, encoding: .utf8) }
    }
}

func XCTAssertEqual(_ a: [Double], _ b: [Double], accuracy: Double, file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertEqual(a.count, b.count, "\(a) vs \(b)", file: file, line: line)
    for (x, y) in zip(a, b) { XCTAssertEqual(x, y, accuracy: accuracy, "\(a) vs \(b)", file: file, line: line) }
}
