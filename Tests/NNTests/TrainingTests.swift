import XCTest
import Tensor
@testable import NN

final class TrainingTests: XCTestCase {
    func testTwoLayerModelLearnsXorLikeProblem() {
        var rng = RandomGenerator(seed: 5)
        // Labels from a non-linear rule: y = 1 when x₀·x₁ > 0.
        let x = Tensor.normal([256, 2], using: &rng)
        let v = x.floats
        let y = Tensor((0..<256).map { v[2 * $0] * v[2 * $0 + 1] > 0 ? Float(1) : 0 }, shape: [256, 1])
        let model = Sequential(Linear(2, 16, rng: &rng), Function.relu, Linear(16, 1, rng: &rng))
        let adam = Adam(model, learningRate: 0.05)
        var losses: [Double] = []
        for _ in 0..<200 {
            adam.zeroGrad()
            let loss = binaryCrossEntropy(logits: model(x), targets: y)
            loss.backward()
            adam.update()
            losses.append(loss.scalar)
        }
        XCTAssertLessThan(losses.last!, 0.25 * losses.first!, "loss \(losses.first!) → \(losses.last!)")
        let accuracy = withoutGrad { ((model(x) .> 0).converted(to: .float32) .== y).converted(to: .float32).mean().scalar }
        XCTAssertGreaterThan(accuracy, 0.9)
    }
}
