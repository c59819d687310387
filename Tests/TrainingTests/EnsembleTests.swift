@testable import Training
import XCTest
import Tensor
@testable import Zoo

final class EnsembleTests: XCTestCase {
    func testWeightedAverage() {
        XCTAssertEqual(EnsembleWeights.average([[1, 0], [0, 1]], weights: [0.25, 0.75]), [0.25, 0.75])
    }

    func testSearchFavoursTheInformativeModelAndBeatsEachSingleModel() throws {
        // 200 videos, 20 classes, one label each. Model A sees the label with
        // noise, model B a different noisy view, model C is pure noise.
        var g = RandomGenerator(seed: 4)
        let n = 200, c = 20
        let labels = (0..<n).map { _ in [g.nextInt(below: c)] }
        func model(signal: Double) -> [Float] {
            var p = [Float](repeating: 0, count: n * c)
            for i in 0..<n { for k in 0..<c { p[i * c + k] = Float(g.uniform()) + (labels[i][0] == k ? Float(signal) : 0) } }
            return p
        }
        let a = model(signal: 0.6), b = model(signal: 0.5), noise = model(signal: 0)
        let result = try EnsembleWeights.search(predictions: [a, b, noise], labels: labels, numClasses: c, trials: 100, seed: 1)
        XCTAssertGreaterThanOrEqual(result.validationGAP, result.singleModelGAP.max()!)
        XCTAssertGreaterThan(result.validationGAP, result.singleModelGAP[0] + 0.02, "two independent noisy views average to a better one")
        XCTAssertLessThan(result.weights[2], 0.2, "the noise model gets little weight: \(result.weights)")
        XCTAssertEqual(result.weights.reduce(0, +), 1, accuracy: 1e-9)
        XCTAssertEqual(result.trials, 104)
    }

    func testModelsRunInLockstepAndMismatchedVideosAreNamed() throws {
        var g = RandomGenerator(seed: 5)
        let x = Tensor.normal([10, 1152], using: &g), y = Tensor.bernoulli([10, 6], probability: 0.3, dtype: .float32, using: &g)
        var config = LogisticModel.Config()
        config.transform = .none
        let models: [any ZooModel] = [LogisticModel(config, numClasses: 6, rng: &g), LogisticModel(config, numClasses: 6, rng: &g)]
        func source(_ n: Int = 10, shuffle: Bool = false) -> InMemoryBatchSource {
            InMemoryBatchSource(features: x.sliced(axis: 0, range: 0..<n), labels: y.sliced(axis: 0, range: 0..<n),
                                batchSize: 4, shuffle: shuffle, repeats: false, seed: 3)
        }
        var seen: [String] = []
        try forEachEnsembleBatch(of: models, on: [source(), source()]) { ids, labels, probabilities in
            seen += ids
            XCTAssertEqual(labels.count, ids.count)
            XCTAssertEqual(probabilities.map(\.count), [ids.count * 6, ids.count * 6])
        }
        XCTAssertEqual(seen.count, 10)
        XCTAssertThrowsError(try forEachEnsembleBatch(of: models, on: [source(), source(shuffle: true)]) { _, _, _ in }) { error in
            guard case EnsembleError.videosDiffer(model: 1, _, _, _) = error else { return XCTFail("\(error)") }
        }
        XCTAssertThrowsError(try forEachEnsembleBatch(of: models, on: [source(), source(8)]) { _, _, _ in }) { error in
            XCTAssertEqual(error as? EnsembleError, .lengthsDiffer(model: 1, videos: 8))
        }
    }
}
