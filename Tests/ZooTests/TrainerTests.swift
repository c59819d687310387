import Foundation
import XCTest
import NN
import Tensor
@testable import Zoo

/// A learnable toy set: each example carries the sum of its labels'
/// prototypes plus noise; 1–2 labels of 10 classes.
func toyData(count: Int, seed: UInt64) -> (features: Tensor, labels: Tensor) {
    var rng = RandomGenerator(seed: 1000)                          // prototypes shared by every split
    let prototypes = Tensor.normal([10, 16], using: &rng).floats
    var g = RandomGenerator(seed: seed)
    var x = [Float](repeating: 0, count: count * 16), y = [Float](repeating: 0, count: count * 10)
    for i in 0..<count {
        let labels = Set((0..<(1 + g.nextInt(below: 2))).map { _ in g.nextInt(below: 10) })
        for c in labels {
            y[i * 10 + c] = 1
            for d in 0..<16 { x[i * 16 + d] += prototypes[c * 16 + d] }
        }
        for d in 0..<16 { x[i * 16 + d] += Float(g.normal(std: 0.3)) }
    }
    return (Tensor(x, shape: [count, 16]), Tensor(y, shape: [count, 10]))
}

final class TrainerTests: XCTestCase {
    var dir: String!
    override func setUp() { dir = NSTemporaryDirectory() + "trainer-\(UUID().uuidString)" }
    override func tearDown() { try? FileManager.default.removeItem(atPath: dir) }

    func makeModel() -> LogisticModel {
        var config = LogisticModel.Config()
        config.inputSize = 16
        config.transform = .none
        var rng = RandomGenerator(seed: 3)
        return LogisticModel(config, numClasses: 10, rng: &rng)
    }

    func sources() -> (InMemoryBatchSource, InMemoryBatchSource) {
        let train = toyData(count: 512, seed: 1), val = toyData(count: 256, seed: 2)
        return (InMemoryBatchSource(features: train.features, labels: train.labels, batchSize: 32, shuffle: true, repeats: true, seed: 5),
                InMemoryBatchSource(features: val.features, labels: val.labels, batchSize: 64, shuffle: false, repeats: false))
    }

    func config(steps: Int) -> TrainingConfig {
        var c = TrainingConfig()
        c.steps = steps
        c.learningRate = 0.05
        c.validateEvery = 10
        c.emaRate = 0.1
        c.progressInterval = 1e9
        return c
    }

    func testTrainingLearnsAndWritesCheckpointsLogAndPlot() throws {
        let (train, val) = sources()
        let model = makeModel()
        let before = try Trainer.evaluate(model, on: val).globalAveragePrecision
        let trainer = Trainer(model: model, config: config(steps: 60), directory: dir)
        try trainer.run(training: train, validation: val, progress: ProgressReporter(totalSteps: 60, output: { _ in }))
        let after = try trainer.evaluate(on: val).globalAveragePrecision
        XCTAssertGreaterThan(after, 0.9, "validation GAP \(before) → \(after)")
        XCTAssertGreaterThan(after, before + 0.3)
        let losses = trainer.log.series("train_loss").map(\.value)
        XCTAssertLessThan(losses.suffix(10).reduce(0, +), 0.5 * losses.prefix(10).reduce(0, +))
        for file in ["last.safetensors", "best.safetensors", "metrics.csv", "training-curves.svg"] {
            XCTAssertTrue(FileManager.default.fileExists(atPath: dir + "/" + file), file)
        }
        XCTAssertEqual(try MetricsLog.load(from: dir + "/metrics.csv").series("val_gap").count, 6)
    }

    func testResumingGivesTheSameWeightsAsTrainingStraightThrough() throws {
        let (train1, val1) = sources()
        let straight = makeModel()
        try Trainer(model: straight, config: config(steps: 20), directory: dir + "/a")
            .run(training: train1, validation: val1, progress: ProgressReporter(totalSteps: 20, output: { _ in }))

        let (train2, val2) = sources()
        let first = makeModel()
        try Trainer(model: first, config: config(steps: 10), directory: dir + "/b")
            .run(training: train2, validation: val2, progress: ProgressReporter(totalSteps: 10, output: { _ in }))
        let (train3, val3) = sources()                           // a fresh process: new model, new data stream
        let resumed = makeModel()
        let trainer = Trainer(model: resumed, config: config(steps: 20), directory: dir + "/b")
        XCTAssertTrue(try trainer.resumeIfPossible(training: train3))
        XCTAssertEqual(trainer.step, 10)
        try trainer.run(training: train3, validation: val3, progress: ProgressReporter(totalSteps: 20, output: { _ in }))

        for ((name, a), (_, b)) in zip(straight.namedParameters(), resumed.namedParameters()) {
            XCTAssertEqual(a.value.floats.map(\.bitPattern), b.value.floats.map(\.bitPattern), name)
        }
        XCTAssertEqual(try MetricsLog.load(from: dir + "/b/metrics.csv").rows.count,
                       try MetricsLog.load(from: dir + "/a/metrics.csv").rows.count)
    }
}
