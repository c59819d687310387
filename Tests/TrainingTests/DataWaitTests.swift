import Foundation
import Tensor
@testable import Training
import XCTest
import Zoo

/// The share of each step spent waiting for its batch: measured around the
/// batch source's `nextBatch()`, shown on the progress line and written to
/// metrics.csv. Sleeps are short and the bounds wide, so a loaded machine
/// cannot make these fail.
final class DataWaitTests: XCTestCase {
    var dir: String!
    override func setUp() { dir = NSTemporaryDirectory() + "data-wait-\(UUID().uuidString)" }
    override func tearDown() { try? FileManager.default.removeItem(atPath: dir) }

    /// A source that sleeps before each batch of the source it wraps, as a reader that cannot keep up would block.
    final class SlowSource: BatchSource {
        let inner: InMemoryBatchSource
        let delay: Double
        init(_ inner: InMemoryBatchSource, delay: Double) { self.inner = inner; self.delay = delay }
        func nextBatch() throws -> TrainingBatch? {
            Thread.sleep(forTimeInterval: delay)
            return try inner.nextBatch()
        }
        var resumeState: String { inner.resumeState }
        func restore(_ state: String) throws { try inner.restore(state) }
        func reset() throws { try inner.reset() }
    }

    /// Gives each step a known compute time, so the expected share does not depend on the machine's speed.
    final class SlowStep: TrainingCallback {
        let delay: Double
        init(_ delay: Double) { self.delay = delay }
        func gradientsDidCompute(_ trainer: Trainer) throws { Thread.sleep(forTimeInterval: delay) }
    }

    func train(dataDelay: Double, stepDelay: Double, steps: Int = 16) throws -> (Trainer, [String]) {
        var config = LogisticModel.Config()
        config.inputSize = 16
        config.transform = .none
        var rng = RandomGenerator(seed: 3)
        let model = LogisticModel(config, numClasses: 10, rng: &rng)
        var c = TrainingConfig()
        c.steps = steps
        c.validateEvery = steps
        c.progressInterval = 0
        let data = toyData(count: 128, seed: 1)
        let memory = InMemoryBatchSource(features: data.features, labels: data.labels, batchSize: 32, shuffle: true, repeats: true)
        let source: BatchSource = dataDelay > 0 ? SlowSource(memory, delay: dataDelay) : memory
        let trainer = Trainer(model: model, config: c, directory: dir,
                              callbacks: [MetricsCSVWriter(), SlowStep(stepDelay)])
        var lines: [String] = []
        try trainer.run(training: source, validation: nil,
                        progress: ProgressReporter(totalSteps: steps, interval: 0) { lines.append($0) })
        return (trainer, lines)
    }

    /// The data-wait share over the whole run, from metrics.csv as a tool reading it would compute it.
    func runShare() throws -> (share: Double, rows: Int) {
        let log = try MetricsLog.load(from: dir + "/metrics.csv")
        let rates = log.series(MetricsLog.examplesPerSecond).map(\.value)
        let shares = log.series(MetricsLog.dataWaitFraction).map(\.value)
        XCTAssertEqual(rates.count, shares.count)
        XCTAssertTrue(rates.allSatisfy { $0 > 0 }, "\(rates)")
        // Each step's seconds are its batch over its rate; the share is waited time over step time.
        let seconds = rates.map { 32 / $0 }
        return (zip(seconds, shares).map { $0 * $1 }.reduce(0, +) / seconds.reduce(0, +), rates.count)
    }

    func testASourceThatSleepsAsLongAsTheStepWaitsHalfTheStep() throws {
        let (trainer, lines) = try train(dataDelay: 0.01, stepDelay: 0.01)
        let (share, rows) = try runShare()
        XCTAssertEqual(rows, 16)
        XCTAssertGreaterThan(share, 0.25)
        XCTAssertLessThan(share, 0.8)
        XCTAssertEqual(Array(trainer.log.columns.suffix(2)), [MetricsLog.dataWaitFraction, MetricsLog.examplesPerSecond])
        // The progress line shows the same measurement, over the steps since the previous line.
        let last = try XCTUnwrap(lines.last)
        let field = try XCTUnwrap(last.components(separatedBy: "  ").first { $0.hasPrefix("data wait ") }, last)
        let percent = try XCTUnwrap(Double(field.dropFirst("data wait ".count).dropLast()), last)
        XCTAssertGreaterThan(percent, 25, last)
        XCTAssertLessThan(percent, 80, last)
    }

    func testAnInMemorySourceHardlyWaits() throws {
        _ = try train(dataDelay: 0, stepDelay: 0.005)
        let (share, rows) = try runShare()
        XCTAssertEqual(rows, 16)
        XCTAssertLessThan(share, 0.2)
    }

    func testThroughputSumsTimesBeforeSharing() {
        var window = Throughput()
        XCTAssertEqual(window.examplesPerSecond, 0)
        XCTAssertEqual(window.dataWaitFraction, 0)
        window.add(StepReport(step: 1, loss: 0, learningRate: 0, gradientNorm: 0, batchSize: 32, seconds: 0.1, dataSeconds: 0.05))
        window.add(StepReport(step: 2, loss: 0, learningRate: 0, gradientNorm: 0, batchSize: 32, seconds: 0.3, dataSeconds: 0))
        // 64 examples in 0.4 s; 0.05 s of 0.4 s waited (not the mean of 50 % and 0 %).
        XCTAssertEqual(window.examplesPerSecond, 160, accuracy: 1e-9)
        XCTAssertEqual(window.dataWaitFraction, 0.125, accuracy: 1e-12)
    }
}
