@testable import Training
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
        for kind in OptimizerKind.allCases {
            func config(steps: Int) -> TrainingConfig {
                var c = self.config(steps: steps)
                c.optimizer = kind
                if kind == .rmsprop { c.learningRate = 0.01 }
                return c
            }
            let root = dir + "/\(kind)"
            let (train1, val1) = sources()
            let straight = makeModel()
            let straightTrainer = Trainer(model: straight, config: config(steps: 20), directory: root + "/a")
            XCTAssertEqual(type(of: straightTrainer.optimizer) == RMSprop.self, kind == .rmsprop)
            try straightTrainer.run(training: train1, validation: val1, progress: ProgressReporter(totalSteps: 20, output: { _ in }))

            let (train2, val2) = sources()
            let first = makeModel()
            try Trainer(model: first, config: config(steps: 10), directory: root + "/b")
                .run(training: train2, validation: val2, progress: ProgressReporter(totalSteps: 10, output: { _ in }))
            XCTAssertEqual(try SafeTensors.readMetadata(root + "/b/last.safetensors")["optimizer"], kind.rawValue)
            let (train3, val3) = sources()                           // a fresh process: new model, new data stream
            let resumed = makeModel()
            let trainer = Trainer(model: resumed, config: config(steps: 20), directory: root + "/b")
            XCTAssertTrue(try trainer.resumeIfPossible(training: train3))
            XCTAssertEqual(trainer.step, 10)
            try trainer.run(training: train3, validation: val3, progress: ProgressReporter(totalSteps: 20, output: { _ in }))

            for ((name, a), (_, b)) in zip(straight.namedParameters(), resumed.namedParameters()) {
                XCTAssertEqual(a.value.floats.map(\.bitPattern), b.value.floats.map(\.bitPattern), "\(kind) \(name)")
            }
            XCTAssertEqual(try MetricsLog.load(from: root + "/b/metrics.csv").rows.count,
                           try MetricsLog.load(from: root + "/a/metrics.csv").rows.count)
        }
    }

    func testRMSpropTrainingLearns() throws {
        let (train, val) = sources()
        var c = config(steps: 60)
        c.optimizer = .rmsprop
        c.learningRate = 0.01
        let trainer = Trainer(model: makeModel(), config: c, directory: dir)
        try trainer.run(training: train, validation: val, progress: ProgressReporter(totalSteps: 60, output: { _ in }))
        XCTAssertGreaterThan(try trainer.evaluate(on: val).globalAveragePrecision, 0.9)
    }

    func testResumingWithAnotherOptimizerIsAnError() throws {
        let (train, val) = sources()
        try Trainer(model: makeModel(), config: config(steps: 10), directory: dir)
            .run(training: train, validation: val, progress: ProgressReporter(totalSteps: 10, output: { _ in }))
        var c = config(steps: 20)
        c.optimizer = .rmsprop
        let trainer = Trainer(model: makeModel(), config: c, directory: dir)
        XCTAssertThrowsError(try trainer.resumeIfPossible(training: sources().0)) { error in
            XCTAssertEqual(error as? TrainingError,
                           .optimizerMismatch(checkpoint: self.dir + "/last.safetensors", saved: "adam", requested: "rmsprop"))
        }
        XCTAssertEqual(trainer.step, 0)
    }

    func testCheckpointsWithoutAnOptimizerRecordResumeAsAdam() throws {
        // A checkpoint written before the optimizer was recorded: Adam state, no "optimizer" metadata.
        let model = makeModel()
        let adam = Adam(model, learningRate: 0.05)
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try Checkpoint.save(to: dir + "/last.safetensors", module: model, optimizer: adam, step: 4)
        let trainer = Trainer(model: makeModel(), config: config(steps: 10), directory: dir)
        XCTAssertTrue(try trainer.resumeIfPossible(training: sources().0))
        XCTAssertEqual(trainer.step, 4)
        var c = config(steps: 10)
        c.optimizer = .rmsprop
        XCTAssertThrowsError(try Trainer(model: makeModel(), config: c, directory: dir).resumeIfPossible(training: sources().0))
    }

    func testConfigurationsAndRecipesWithoutAnOptimizerFieldDecodeAsAdam() throws {
        func strippingOptimizer<T: Encodable>(_ value: T) throws -> Data {
            var object = try XCTUnwrap(JSONSerialization.jsonObject(with: JSONEncoder().encode(value)) as? [String: Any])
            XCTAssertEqual(object["optimizer"] as? String, "rmsprop")
            object["optimizer"] = nil
            return try JSONSerialization.data(withJSONObject: object)
        }
        var c = TrainingConfig()
        c.optimizer = .rmsprop
        c.steps = 77
        let decoded = try JSONDecoder().decode(TrainingConfig.self, from: strippingOptimizer(c))
        XCTAssertEqual(decoded.optimizer, .adam)
        XCTAssertEqual(decoded.steps, 77)
        XCTAssertEqual(try JSONDecoder().decode(TrainingConfig.self, from: JSONEncoder().encode(c)).optimizer, .rmsprop)

        var r = Recipe(batchSize: 256, learningRate: 1e-4)
        r.optimizer = .rmsprop
        let recipe = try JSONDecoder().decode(Recipe.self, from: strippingOptimizer(r))
        XCTAssertEqual(recipe.optimizer, .adam)
        XCTAssertEqual(recipe.batchSize, 256)
        XCTAssertEqual(try JSONDecoder().decode(Recipe.self, from: JSONEncoder().encode(r)).optimizer, .rmsprop)
        XCTAssertEqual(r.trainingConfig(steps: 5).optimizer, .rmsprop)
        // Another field missing is still an error: only the optimizer has a default.
        var object = try XCTUnwrap(JSONSerialization.jsonObject(with: JSONEncoder().encode(c)) as? [String: Any])
        object["steps"] = nil
        XCTAssertThrowsError(try JSONDecoder().decode(TrainingConfig.self, from: JSONSerialization.data(withJSONObject: object)))
    }
}
