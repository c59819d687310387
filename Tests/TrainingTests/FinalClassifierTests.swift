@testable import Training
import TestSupport
import XCTest
import Tensor
@testable import Zoo

final class FinalClassifierTests: XCTestCase {
    func testParameterCountFollowsTheLayers() {
        var g = RandomGenerator(seed: 1)
        let config = FinalClassifier.Config(hiddenSizes: [16, 8], dropout: 0.5)
        let head = FinalClassifier(inputSize: 30, numClasses: 5, config: config, rng: &g)
        // input BN 2·30; 30→16 with BN: 31·16 + 32; 16→8 with BN: 17·8 + 16; output 9·5.
        XCTAssertEqual(head.parameterCount, 60 + 528 + 152 + 45)
        XCTAssertEqual(FinalClassifier.parameterCount(inputSize: 30, numClasses: 5, config: config), head.parameterCount)
        XCTAssertEqual(head.featureCount, 8)
        let logistic = FinalClassifier(inputSize: 30, numClasses: 5, config: .init(hiddenSizes: []), rng: &g)
        XCTAssertEqual(logistic.featureCount, 30)
        XCTAssertEqual(logistic.parameterCount, 60 + 31 * 5)
    }

    func testGradientsInFloat64() {
        var g = RandomGenerator(seed: 2)
        let head = FinalClassifier(inputSize: 6, numClasses: 3, config: .init(hiddenSizes: [5], dropout: 0), dtype: .float64, rng: &g)
        let params = head.parameters
        let originals = params.map(\.value)
        defer { zip(params, originals).forEach { $0.value = $1 } }
        let result = checkGradients(of: { args in
            for (p, v) in zip(params, args.dropFirst()) { p.value = v }
            guard case .logits(let l) = head(ModelInput(features: args[0])) else { preconditionFailure("logits expected") }
            return l
        }, at: [Tensor.normal([7, 6], dtype: .float64, using: &g)] + originals.map { $0.detached() })
        XCTAssertTrue(result.passed, "FinalClassifier gradient wrt input \(result.worstInput): \(result)")
    }

    /// Two frozen members over the same in-memory videos: the stacked rows are
    /// each member's features side by side, and the members' own predictions
    /// are their outputs.
    func testStackedFeaturesConcatenateTheMembersPenultimateLayers() throws {
        var g = RandomGenerator(seed: 3)
        let x = Tensor.normal([10, 1152], using: &g), y = Tensor.bernoulli([10, 6], probability: 0.3, dtype: .float32, using: &g)
        var config = LogisticModel.Config()
        config.transform = .none
        let a = LogisticModel(config, numClasses: 6, rng: &g)
        let b = MoeModel(MoeModel.Config(), numClasses: 6, rng: &g)
        func source() -> InMemoryBatchSource {
            InMemoryBatchSource(features: x, labels: y, batchSize: 4, shuffle: false, repeats: false)
        }
        let stacked = try StackedFeatures.collect(from: [a, b], on: [source(), source()], keepMemberPredictions: true)
        XCTAssertEqual(stacked.widths, [a.featureCount, b.featureCount])
        XCTAssertEqual(stacked.features.shape, [10, a.featureCount + b.featureCount])
        XCTAssertEqual(stacked.ids, (0..<10).map(String.init))
        XCTAssertEqual(stacked.labels.floats, y.floats)
        let input = ModelInput(features: x)
        let expected = Tensor.concat([a.features(input), b.features(input)], axis: 1)
        XCTAssertEqual(stacked.features.floats, expected.floats)
        XCTAssertEqual(stacked.memberProbabilities[0], a(input).probabilities.floats)
        XCTAssertEqual(stacked.memberProbabilities[1], b(input).probabilities.floats)
    }

    /// A final classifier over two members that each see half of the signal
    /// learns what neither member alone predicts.
    func testFinalClassifierLearnsFromStackedFeatures() throws {
        var g = RandomGenerator(seed: 4)
        let n = 256, classes = 4
        // Class k is present when feature k (first half) + feature k (second half) > 0.
        let x = Tensor.normal([n, 2 * classes], using: &g)
        let v = x.floats
        var targets = [Float](repeating: 0, count: n * classes)
        for i in 0..<n {
            for k in 0..<classes where v[i * 2 * classes + k] + v[i * 2 * classes + classes + k] > 0 { targets[i * classes + k] = 1 }
        }
        let y = Tensor(targets, shape: [n, classes])
        let head = FinalClassifier(inputSize: 2 * classes, numClasses: classes, config: .init(hiddenSizes: [16], dropout: 0), rng: &g)
        let directory = try makeTemporaryDirectory(self)
        var tc = TrainingConfig()
        tc.steps = 150
        tc.learningRate = 1e-2
        tc.validateEvery = 150
        tc.progressInterval = 1e9
        let trainer = Trainer(model: head, config: tc, directory: directory)
        let train = InMemoryBatchSource(features: x, labels: y, batchSize: 64, shuffle: true, repeats: true)
        try trainer.run(training: train, validation: InMemoryBatchSource(features: x, labels: y, batchSize: 64, shuffle: false, repeats: false))
        let losses = trainer.log.rows.compactMap { $0.values["train_loss"] }
        XCTAssertLessThan(losses.suffix(10).reduce(0, +) / 10, 0.6 * losses.prefix(10).reduce(0, +) / 10, "loss falls")
        XCTAssertGreaterThan(trainer.bestGAP, 0.9)
    }
}
