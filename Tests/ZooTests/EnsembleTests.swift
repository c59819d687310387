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
}
