@testable import Training
import Tensor
import Foundation
import XCTest

final class TrainingReportTests: XCTestCase {
    func testProgressLineShowsStepRateDataWaitLossGAPAndETA() {
        var lines: [String] = []
        let p = ProgressReporter(totalSteps: 100, interval: 1e9) { lines.append($0) }
        func report(_ step: Int, seconds: Double, data: Double) -> StepReport {
            StepReport(step: step, loss: 0.5, learningRate: 0.1, gradientNorm: 1, batchSize: 32, seconds: seconds, dataSeconds: data)
        }
        p.step(report(1, seconds: 0.2, data: 0.1))
        XCTAssertEqual(lines.count, 1)
        XCTAssertEqual(lines[0].components(separatedBy: "  ").dropFirst().prefix(2), ["160 ex/s", "data wait 50.0%"])
        // Since that line: 2 steps of 32 examples in 0.2 s, 0.01 s of it waiting; the ETA is
        // the run's wall time per step (10 s for 50 steps) times the 50 left.
        p.step(report(2, seconds: 0.1, data: 0.01))
        p.step(report(3, seconds: 0.1, data: 0))
        let line = p.line(step: 50, elapsed: 10, validationGAP: 0.8123, epoch: 2)
        XCTAssertEqual(line, "step 50/100  epoch 2  320 ex/s  data wait 5.0%  loss 0.5000  val GAP 0.8123  ETA 10s")
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
        XCTAssertTrue(svg.contains(">training loss</text>") && svg.contains(">GAP@20</text>"), "readable legend names")
        if let out = ProcessInfo.processInfo.environment["YT8M_PLOT_OUT"] { try? svg.write(toFile: out, atomically: true, encoding: .utf8) }
    }

    /// A per-step loss over 100 steps with validation every 25: the loss is
    /// drawn raw (faint) and smoothed, every validation is a dot, the best
    /// GAP's step is marked in both panels, and both panels share one step axis.
    func testCurvePlotSmoothsTheLossDotsValidationsAndMarksTheBestStep() {
        let log = MetricsLog()
        for s in 1...100 { log.record(step: s, ["train_loss": 1 / Double(s) + (s % 2 == 0 ? 0.05 : 0)]) }
        for (s, gap) in [(25, 0.3), (50, 0.6), (75, 0.5), (100, 0.55)] { log.record(step: s, ["val_gap": gap]) }
        let svg = log.curvePlot(title: "run").svg()
        XCTAssertEqual(svg.components(separatedBy: "<polyline").count - 1, 3, "raw and smoothed loss, and GAP")
        XCTAssertEqual(svg.components(separatedBy: "stroke-opacity=\"0.25\"").count - 1, 1, "one faint raw line")
        XCTAssertEqual(svg.components(separatedBy: "<circle").count - 1, 4, "a dot per validation")
        XCTAssertEqual(svg.components(separatedBy: ">best GAP@20 0.6000 at step 50</text>").count - 1, 2)
        // The x tick labels of the two panels are the same (one axis), although GAP starts at step 25.
        let ticks = svg.components(separatedBy: "\n").filter { $0.contains("text-anchor=\"middle\"") && !$0.contains(">step<") && !$0.contains("rotate") && !$0.contains("font-size=\"16\"") }
        XCTAssertEqual(ticks.count % 2, 0)
        XCTAssertEqual(Array(ticks.prefix(ticks.count / 2)).map { $0.split(separator: ">")[1] }, Array(ticks.suffix(ticks.count / 2)).map { $0.split(separator: ">")[1] })
    }

    func testSmoothingIsTheDebiasedMovingAverage() {
        let s = CurvePlot.Series(name: "x", points: [(1, 1), (2, 3)], smoothing: 0.5).smoothed(0.5)
        // First point: 0.5·1 / 0.5 = 1; second: (0.25 + 1.5) / 0.75 = 7/3.
        XCTAssertEqual(s.map(\.y), [1, 7.0 / 3], accuracy: 1e-12)
    }
}

func XCTAssertEqual(_ a: [Double], _ b: [Double], accuracy: Double, file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertEqual(a.count, b.count, "\(a) vs \(b)", file: file, line: line)
    for (x, y) in zip(a, b) { XCTAssertEqual(x, y, accuracy: accuracy, "\(a) vs \(b)", file: file, line: line) }
}
