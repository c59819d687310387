import Foundation
import Metrics
import NN
import Tensor
@testable import Training
import XCTest
import Zoo

/// The trainer's parts: objectives, schedules, callbacks, the random streams
/// and configuration a checkpoint keeps.
final class TrainerPartsTests: XCTestCase {
    var dir: String!
    override func setUp() { dir = NSTemporaryDirectory() + "trainer-parts-\(UUID().uuidString)" }
    override func tearDown() { try? FileManager.default.removeItem(atPath: dir) }

    func makeModel() -> LogisticModel {
        var config = LogisticModel.Config()
        config.inputSize = 16
        config.transform = .none
        var rng = RandomGenerator(seed: 3)
        return LogisticModel(config, numClasses: 10, rng: &rng)
    }

    func sources(trainFeatures: Tensor? = nil) -> (InMemoryBatchSource, InMemoryBatchSource) {
        let train = toyData(count: 256, seed: 1), val = toyData(count: 128, seed: 2)
        return (InMemoryBatchSource(features: trainFeatures ?? train.features, labels: train.labels, batchSize: 32,
                                    shuffle: true, repeats: true, seed: 5),
                InMemoryBatchSource(features: val.features, labels: val.labels, batchSize: 64, shuffle: false, repeats: false))
    }

    func config(steps: Int) -> TrainingConfig {
        var c = TrainingConfig()
        c.steps = steps
        c.learningRate = 0.05
        c.validateEvery = 10
        c.progressInterval = 1e9
        return c
    }

    func quiet(_ steps: Int) -> ProgressReporter { ProgressReporter(totalSteps: steps, output: { _ in }) }

    func testStaircaseDecayCountsExamples() {
        // 1 · 0.5^⌊32·step / 100⌋: examples 0, 32, 64, 96 → 1; 128 → 0.5; 224 → 0.25.
        let s = Schedules.exponentialDecay(1, rate: 0.5, everyExamples: 100, batchSize: 32)
        XCTAssertEqual([0, 3, 4, 6, 7].map(s), [1, 1, 0.5, 0.5, 0.25])
        var c = TrainingConfig()
        c.learningRate = 2
        c.decayRate = 0.5
        c.decayExamples = 100
        c.warmupSteps = 4
        let warm = c.learningRateSchedule(batchSize: 32)
        // Warm-up 2·(step+1)/4 over 4 steps, then the staircase from its step 0.
        XCTAssertEqual([0, 1, 3, 4, 7, 8].map(warm), [0.5, 1, 2, 2, 2, 1])
        c.schedule = .cosine
        c.warmupSteps = 0
        c.steps = 10
        let cosine = c.learningRateSchedule(batchSize: 32)
        XCTAssertEqual(cosine(0), 2, accuracy: 1e-12)
        XCTAssertEqual(cosine(5), 1, accuracy: 1e-12)
        XCTAssertEqual(cosine(10), 0, accuracy: 1e-12)
    }

    func testResumingWithMixupGivesTheSameWeightsAsTrainingStraightThrough() throws {
        var c = config(steps: 40)
        c.mixupAlpha = 0.4
        c.emaRate = 0.1
        let straight = makeModel()
        let (t1, v1) = sources()
        try Trainer(model: straight, config: c, directory: dir + "/a").run(training: t1, validation: v1, progress: quiet(40))

        var half = c
        half.steps = 20
        let (t2, v2) = sources()
        try Trainer(model: makeModel(), config: half, directory: dir + "/b").run(training: t2, validation: v2, progress: quiet(20))
        let resumed = makeModel()
        let (t3, v3) = sources()
        let trainer = Trainer(model: resumed, config: c, directory: dir + "/b")
        XCTAssertTrue(try trainer.resumeIfPossible(training: t3))
        try trainer.run(training: t3, validation: v3, progress: quiet(40))
        for ((name, a), (_, b)) in zip(straight.namedParameters(), resumed.namedParameters()) {
            XCTAssertEqual(a.value.floats.map(\.bitPattern), b.value.floats.map(\.bitPattern), name)
        }
    }

    func testCheckpointsStoreTheTrainingConfigurationAndResumeRefusesAnother() throws {
        let (train, val) = sources()
        try Trainer(model: makeModel(), config: config(steps: 10), directory: dir).run(training: train, validation: val, progress: quiet(10))
        let json = try XCTUnwrap(SafeTensors.readMetadata(dir + "/last.safetensors")["training_config"])
        let stored = try JSONDecoder().decode(TrainingConfig.self, from: Data(json.utf8))
        XCTAssertEqual(stored.learningRate, 0.05)
        XCTAssertEqual(stored.steps, 10)

        var longer = config(steps: 30)
        longer.validateEvery = 5
        XCTAssertTrue(try Trainer(model: makeModel(), config: longer, directory: dir).resumeIfPossible(training: sources().0))

        var other = config(steps: 30)
        other.learningRate = 0.1
        other.mixupAlpha = 0.2
        XCTAssertThrowsError(try Trainer(model: makeModel(), config: other, directory: dir).resumeIfPossible(training: sources().0)) {
            XCTAssertEqual($0 as? TrainingError,
                           .configurationMismatch(checkpoint: self.dir + "/last.safetensors", fields: ["learningRate", "mixupAlpha"]))
        }
    }

    func testANonFiniteLossStopsTheRunBeforeAnyUpdate() throws {
        let (clean, val) = sources()
        var values = clean.features.floats
        values[5] = .nan
        let (train, _) = sources(trainFeatures: Tensor(values, shape: clean.features.shape))
        let model = makeModel()
        let before = model.namedParameters().map { $0.1.value.floats }
        let trainer = Trainer(model: model, config: config(steps: 20), directory: dir)
        XCTAssertThrowsError(try trainer.run(training: train, validation: val, progress: quiet(20))) { error in
            guard case .nonFiniteLoss(let step, let loss, let videos)? = error as? TrainingError else {
                return XCTFail("\(error)")
            }
            XCTAssertEqual(step, trainer.step + 1)
            XCTAssertTrue(loss.isNaN)
            XCTAssertFalse(videos.isEmpty)
        }
        if trainer.step == 0 { XCTAssertEqual(model.namedParameters().map { $0.1.value.floats }, before) }
        for (_, p) in model.namedParameters() { XCTAssertTrue(p.value.floats.allSatisfy(\.isFinite)) }
    }

    func testEarlyStoppingCountsValidationsSinceTheBest() {
        XCTAssertEqual(EarlyStopping.validationsSinceImprovement([], minDelta: 0), 0)
        XCTAssertEqual(EarlyStopping.validationsSinceImprovement([0.1, 0.3, 0.2, 0.25], minDelta: 0), 2)
        XCTAssertEqual(EarlyStopping.validationsSinceImprovement([0.1, 0.3, 0.2, 0.31], minDelta: 0), 0)
        XCTAssertEqual(EarlyStopping.validationsSinceImprovement([0.1, 0.3, 0.2, 0.31], minDelta: 0.05), 2)
    }

    func testEarlyStoppingEndsARunThatNoLongerImproves() throws {
        var c = config(steps: 200)
        c.learningRate = 0                      // nothing changes, so GAP never improves after the first validation
        c.earlyStoppingPatience = 2
        let (train, val) = sources()
        let trainer = Trainer(model: makeModel(), config: c, directory: dir)
        try trainer.run(training: train, validation: val, progress: quiet(200))
        XCTAssertEqual(trainer.step, 30)
        XCTAssertEqual(try MetricsLog.load(from: dir + "/metrics.csv").series("val_gap").count, 3)
    }

    /// Counts the events it sees and stops the run after `stopAfter` steps.
    final class Recorder: TrainingCallback {
        var events: [String] = []
        let stopAfter: Int
        init(stopAfter: Int) { self.stopAfter = stopAfter }
        func trainingWillStart(_ trainer: Trainer) throws { events.append("start") }
        func gradientsDidCompute(_ trainer: Trainer) throws {
            events.append("gradients \(trainer.step + 1)")
            XCTAssertTrue(trainer.model.trainableParameters.contains { $0.grad != nil })
        }
        func stepDidEnd(_ trainer: Trainer, _ report: StepReport) throws {
            events.append("step \(report.step)")
            if report.step == stopAfter { trainer.requestStop() }
        }
        func validationDidEnd(_ trainer: Trainer, _ result: EvaluationResult?, improved: Bool) throws {
            events.append("validation \(trainer.step)")
        }
        func trainingDidEnd(_ trainer: Trainer) throws { events.append("end") }
    }

    func testCustomObjectiveAndCallbacksReplaceTheStandardOnes() throws {
        var calls = 0
        let squaredError = TrainingObjective(name: "mse") { output, batch in
            calls += 1
            let d = output.probabilities - batch.labels
            return (d * d).mean()
        }
        let recorder = Recorder(stopAfter: 12)
        let (train, val) = sources()
        let trainer = Trainer(model: makeModel(), config: config(steps: 50), directory: dir,
                              objective: squaredError, callbacks: [recorder])
        try trainer.run(training: train, validation: val, progress: quiet(50))
        XCTAssertEqual(calls, 12)
        XCTAssertEqual(recorder.events.first, "start")
        XCTAssertEqual(recorder.events.filter { $0.hasPrefix("validation") }, ["validation 10", "validation 12"])
        XCTAssertEqual(recorder.events.last, "end")
        XCTAssertEqual(Array(recorder.events.prefix(3)), ["start", "gradients 1", "step 1"])
        // Without the standard callbacks nothing is written.
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir + "/last.safetensors"))
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir + "/metrics.csv"))
    }

    /// Accumulating K strided micro-batches is the arithmetic of one batch:
    /// the same weights (to float rounding) as training on whole batches,
    /// with equal shares (32 = 2 × 16) and unequal ones (32 = 11 + 11 + 10).
    func testGradientAccumulationMatchesWholeBatches() throws {
        func train(_ parts: Int) throws -> (LogisticModel, Trainer) {
            var c = config(steps: 20)
            c.accumulationSteps = parts
            c.mixupAlpha = nil
            let model = makeModel()
            let (t, v) = sources()
            let trainer = Trainer(model: model, config: c, directory: dir + "/k\(parts)", callbacks: [])
            try trainer.run(training: t, validation: v, progress: quiet(20))
            return (model, trainer)
        }
        let (whole, wholeTrainer) = try train(1)
        for parts in [2, 3] {
            let (accumulated, trainer) = try train(parts)
            for ((name, a), (_, b)) in zip(whole.namedParameters(), accumulated.namedParameters()) {
                let x = a.value.floats, y = b.value.floats
                let worst = zip(x, y).map { abs($0 - $1) / max(abs($0), 1e-3) }.max() ?? 0
                XCTAssertLessThan(worst, 1e-4, "K=\(parts) \(name)")
            }
            let l1 = wholeTrainer.log.series("train_loss").map(\.value), l2 = trainer.log.series("train_loss").map(\.value)
            for (a, b) in zip(l1, l2) { XCTAssertEqual(a, b, accuracy: 1e-5 * max(abs(a), 1)) }
        }
    }

    func testAShareIsTheStridedSubsetTrimmedToItsLongestVideo() {
        let features = Tensor((0..<(5 * 4 * 2)).map(Float.init), shape: [5, 4, 2])
        let batch = TrainingBatch(input: ModelInput(features: features, lengths: [4, 1, 2, 2, 3], rgbSize: 1),
                                  labels: Tensor.zeros([5, 3]), ids: ["a", "b", "c", "d", "e"])
        let share = batch.share(1, of: 2)                     // videos b and d: 1 and 2 frames
        XCTAssertEqual(share.ids, ["b", "d"])
        XCTAssertEqual(share.input.lengths, [1, 2])
        XCTAssertEqual(share.input.features.shape, [2, 2, 2])
        XCTAssertEqual(share.input.features.floats, [8, 9, 10, 11, 24, 25, 26, 27])
        XCTAssertEqual(batch.share(0, of: 2).ids, ["a", "c", "e"])
    }

    func testIdenticalRunsWriteByteIdenticalCheckpoints() throws {
        var c = config(steps: 20)
        c.mixupAlpha = 0.3
        c.emaRate = 0.1
        for run in ["a", "b"] {
            let (t, v) = sources()
            let trainer = Trainer(model: makeModel(), config: c, directory: dir + "/" + run)
            trainer.checkpointMetadata = ["model": "logistic", "note": "same"]
            try trainer.run(training: t, validation: v, progress: quiet(20))
        }
        for file in ["last.safetensors", "best.safetensors"] {
            XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: dir + "/a/" + file)),
                           try Data(contentsOf: URL(fileURLWithPath: dir + "/b/" + file)), file)
        }
        // The metrics too, but for the wall-clock columns (examples/s, data wait).
        XCTAssertEqual(try MetricsLog.load(from: dir + "/a/metrics.csv").withoutTimingColumns().csv(),
                       try MetricsLog.load(from: dir + "/b/metrics.csv").withoutTimingColumns().csv())
    }

    func testConfigurationValuesOutsideTheirRangeAreNamed() throws {
        XCTAssertNoThrow(try TrainingConfig().validate())
        var c = TrainingConfig()
        c.emaRate = 5
        XCTAssertThrowsError(try c.validate()) {
            XCTAssertEqual($0 as? TrainingConfigError, TrainingConfigError(field: "emaRate", value: "5.0", allowed: "in (0, 1], or none"))
        }
        c = TrainingConfig()
        c.learningRate = .nan
        XCTAssertThrowsError(try c.validate()) { XCTAssertEqual(($0 as? TrainingConfigError)?.field, "learningRate") }
        c = TrainingConfig()
        c.accumulationSteps = 0
        XCTAssertThrowsError(try c.validate()) { XCTAssertEqual(($0 as? TrainingConfigError)?.field, "accumulationSteps") }
    }
}
