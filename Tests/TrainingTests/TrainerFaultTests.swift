import Foundation
import Metrics
import NN
import Tensor
@testable import Training
import XCTest
import Zoo

/// What the trainer does with data and numbers that went bad: it stops with
/// an error that says what and where, or (when asked) skips and counts, and
/// never writes or loads weights that are not finite.
final class TrainerFaultTests: XCTestCase {
    var dir: String!
    override func setUp() { dir = NSTemporaryDirectory() + "trainer-faults-\(UUID().uuidString)" }
    override func tearDown() { try? FileManager.default.removeItem(atPath: dir) }

    func makeModel() -> LogisticModel {
        var config = LogisticModel.Config()
        config.inputSize = 16
        config.transform = .none
        var rng = RandomGenerator(seed: 3)
        return LogisticModel(config, numClasses: 10, rng: &rng)
    }

    func source(_ features: Tensor, _ labels: Tensor, repeats: Bool = true) -> InMemoryBatchSource {
        InMemoryBatchSource(features: features, labels: labels, batchSize: 32, shuffle: true, repeats: repeats, seed: 5)
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

    /// Writes NaN into one gradient entry of the named parameter when the
    /// trainer is about to take one of `steps` (once each, or at every try).
    final class PoisonGradient: TrainingCallback {
        let parameter: String, everyTry: Bool
        var steps: Set<Int>
        init(parameter: String, steps: Set<Int>, everyTry: Bool = false) {
            self.parameter = parameter
            self.steps = steps
            self.everyTry = everyTry
        }
        func gradientsDidCompute(_ trainer: Trainer) throws {
            guard (everyTry ? steps.contains(trainer.step + 1) : steps.remove(trainer.step + 1) != nil),
                  let p = trainer.model.namedParameters().first(where: { $0.0 == parameter })?.1,
                  let g = p.grad else { return }
            var values = g.floats
            values[values.count / 2] = .nan
            p.grad = Tensor(values, shape: g.shape)
        }
    }

    func testANonFiniteGradientStopsTheRunNamingTheParameter() throws {
        let data = toyData(count: 256, seed: 1)
        let model = makeModel()
        let name = try XCTUnwrap(model.namedParameters().last?.0)
        let trainer = Trainer(model: model, config: config(steps: 20), directory: dir,
                              callbacks: [PoisonGradient(parameter: name, steps: [4])])
        XCTAssertThrowsError(try trainer.run(training: source(data.features, data.labels), validation: nil, progress: quiet(20))) { error in
            guard case .nonFiniteGradient(let step, let parameter, let count, let videos)? = error as? TrainingError else {
                return XCTFail("\(error)")
            }
            XCTAssertEqual(step, 4)
            XCTAssertEqual(parameter, name)
            XCTAssertEqual(count, 1)
            XCTAssertEqual(videos.count, 8)
            XCTAssertTrue("\(error)".contains("--skip-non-finite"), "\(error)")
        }
        XCTAssertEqual(trainer.step, 3, "no update at the poisoned step")
        for (_, p) in model.namedParameters() { XCTAssertTrue(p.value.floats.allSatisfy(\.isFinite)) }
    }

    func testSkippingCountsTheBadBatchesAndKeepsTheWeightsFinite() throws {
        let data = toyData(count: 256, seed: 1)
        var c = config(steps: 20)
        c.skipNonFiniteBatches = true
        let model = makeModel()
        let name = try XCTUnwrap(model.namedParameters().first?.0)
        let trainer = Trainer(model: model, config: c, directory: dir,
                              callbacks: [PoisonGradient(parameter: name, steps: [3, 7])])
        try trainer.run(training: source(data.features, data.labels), validation: nil, progress: quiet(20))
        XCTAssertEqual(trainer.step, 20, "a skipped batch is not a step")
        XCTAssertEqual(trainer.skippedBatches, 2)
        XCTAssertEqual(trainer.log.series("skipped_batches").last?.value, 2)
        for (_, p) in model.namedParameters() { XCTAssertTrue(p.value.floats.allSatisfy(\.isFinite)) }
    }

    func testSkippingStopsAfterTooManyBadBatchesInARow() throws {
        let data = toyData(count: 256, seed: 1)
        var c = config(steps: 500)
        c.skipNonFiniteBatches = true
        let model = makeModel()
        let name = try XCTUnwrap(model.namedParameters().first?.0)
        let trainer = Trainer(model: model, config: c, directory: dir,
                              callbacks: [PoisonGradient(parameter: name, steps: [5], everyTry: true)])   // step 5 never happens
        XCTAssertThrowsError(try trainer.run(training: source(data.features, data.labels), validation: nil, progress: quiet(500))) {
            guard case .tooManySkippedBatches(let step, let count, .nonFiniteGradient)? = $0 as? TrainingError else {
                return XCTFail("\($0)")
            }
            XCTAssertEqual(step, 4)
            XCTAssertEqual(count, Trainer.maxConsecutiveSkippedBatches)
        }
    }

    func testTrainingDataWithoutRecordsIsAnError() throws {
        let data = toyData(count: 32, seed: 1)
        let empty = EmptySource(like: source(data.features, data.labels))
        XCTAssertThrowsError(try Trainer(model: makeModel(), config: config(steps: 5), directory: dir)
            .run(training: empty, validation: nil, progress: quiet(5))) {
            XCTAssertEqual($0 as? TrainingError, .noTrainingExamples(step: 0))
        }
    }

    func testUnlabelledTrainingAndValidationDataAreErrors() throws {
        let data = toyData(count: 64, seed: 1)
        let unlabelled = Tensor.zeros(data.labels.shape)
        XCTAssertThrowsError(try Trainer(model: makeModel(), config: config(steps: 5), directory: dir)
            .run(training: source(data.features, unlabelled), validation: nil, progress: quiet(5))) {
            guard case .unlabelledData(let videos)? = $0 as? TrainingError else { return XCTFail("\($0)") }
            XCTAssertEqual(videos.count, 8)
        }
        let trainer = Trainer(model: makeModel(), config: config(steps: 5), directory: dir + "/v")
        XCTAssertThrowsError(try trainer.run(training: source(data.features, data.labels),
                                             validation: source(data.features, unlabelled, repeats: false), progress: quiet(5))) {
            XCTAssertEqual(($0 as? MetricsError)?.problem, .noLabels(videos: 64))
        }
    }

    func testAConfigurationStoredBeforeAFieldExistedStillDecodes() throws {
        // As 0.1.0 wrote it: no skipNonFiniteBatches, and clipNorm nil (JSON omits nil).
        var written = TrainingConfig()
        written.steps = 30
        written.learningRate = 0.01
        written.clipNorm = nil
        var object = try XCTUnwrap(JSONSerialization.jsonObject(with: JSONEncoder().encode(written)) as? [String: Any])
        object["skipNonFiniteBatches"] = nil
        let old = String(decoding: try JSONSerialization.data(withJSONObject: object), as: UTF8.self)
        XCTAssertThrowsError(try JSONDecoder().decode(TrainingConfig.self, from: Data(old.utf8)), "the plain decoder would refuse it")
        let c = try TrainingConfig.decodeStored(old)
        XCTAssertEqual(c.steps, 30)
        XCTAssertEqual(c.learningRate, 0.01)
        XCTAssertNil(c.clipNorm, "an absent optional stays nil, not the default 1.0")
        XCTAssertFalse(c.skipNonFiniteBatches)
        XCTAssertThrowsError(try TrainingConfig.decodeStored("[1]"))
    }

    func testACheckpointWithNonFiniteWeightsIsRefusedNamingTheTensor() throws {
        let spec = ModelSpec(model: "logistic", size: .small, numClasses: 10)
        let model = try spec.build()
        var tensors: [String: Tensor] = [:]
        for (name, p) in model.namedParameters() { tensors["model." + name] = p.value }
        let (name, weight) = try XCTUnwrap(model.namedParameters().first)
        var values = weight.value.floats
        values[0] = .infinity
        values[1] = .nan
        tensors["model." + name] = Tensor(values, shape: weight.shape)
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let path = dir + "/diverged.safetensors"
        try SafeTensors.write(tensors, metadata: ["model_spec": spec.json], to: path)
        XCTAssertThrowsError(try TrainedModel.load(path)) {
            let message = "\($0)"
            XCTAssertTrue(message.contains(path) && message.contains("\(name) (2 of \(values.count) values)"), message)
        }
    }

    func testTheSpecOfAModelIsTheSameBytesEveryTime() {
        let spec = ModelSpec(model: "moe", size: .small, overrides: #"{"mixtures":2}"#, numClasses: 10)
        XCTAssertEqual(spec.json, #"{"maxFrames":300,"model":"moe","numClasses":10,"overrides":"{\"mixtures\":2}","size":"small"}"#)
    }
}

/// A training source whose files hold no records: it never gives a batch.
private final class EmptySource: BatchSource {
    let inner: BatchSource
    init(like inner: BatchSource) { self.inner = inner }
    func nextBatch() throws -> TrainingBatch? { nil }
    var resumeState: String { inner.resumeState }
    func restore(_ state: String) throws {}
    func reset() throws {}
}
