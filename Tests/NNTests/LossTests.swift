import XCTest
import Tensor
@testable import NN

/// Loss values against numbers computed independently in Python (math
/// module, the formulas of the references written out by hand).
final class LossTests: XCTestCase {
    func testBinaryCrossEntropyFromLogitsMatchesHandValue() {
        let loss = binaryCrossEntropy(logits: Tensor([0, 2, -3] as [Double]), targets: Tensor([1, 0, 1] as [Double]))
        XCTAssertEqual(loss.scalar, 1.9562208477255532, accuracy: 1e-14)
    }

    func testBinaryCrossEntropyFromLogitsIsStableForLargeLogits() {
        let loss = binaryCrossEntropy(logits: Tensor([100, -100, 60] as [Float]), targets: Tensor([0, 1, 1] as [Float]),
                                      reduction: .sum)
        XCTAssertEqual(loss.scalar, 200, accuracy: 1e-3)
        let g = gradient(of: { binaryCrossEntropy(logits: $0, targets: Tensor([0, 1] as [Double]), reduction: .sum) },
                         wrt: Tensor([100, -100] as [Double]))
        XCTAssertEqual(g.doubles, [1, -1])          // σ(x) − y
    }

    func testBinaryCrossEntropyGradientAtZeroLogitIsHalfMinusTarget() {
        let g = gradient(of: { binaryCrossEntropy(logits: $0, targets: Tensor([1, 0] as [Double]), reduction: .sum) },
                         wrt: Tensor([0, 0] as [Double]))
        XCTAssertEqual(g.doubles, [-0.5, 0.5])
    }

    func testStarterCodeCrossEntropyOnProbabilities() {
        let p = Tensor([0.9, 0.2, 0.4, 0.7] as [Double], shape: [2, 2]), y = Tensor([1, 0, 0, 1] as [Double], shape: [2, 2])
        XCTAssertEqual(binaryCrossEntropy(probabilities: p, targets: y).scalar, 0.5979750357827377, accuracy: 1e-14)
    }

    func testDistillationLossMixesHardAndTeacherTargets() {
        let loss = distillationLoss(logits: Tensor([1, -1] as [Double]), hardTargets: Tensor([1, 0] as [Double]),
                                    teacherProbabilities: Tensor([0.8, 0.3] as [Double]), lambda: 0.5)
        XCTAssertEqual(loss.scalar, 0.4382616875182228, accuracy: 1e-14)
    }

    func testHingeLoss() {
        let loss = hingeLoss(scores: Tensor([0.9, 0.2] as [Double], shape: [1, 2]), targets: Tensor([1, 0] as [Double], shape: [1, 2]))
        XCTAssertEqual(loss.scalar, 1.3, accuracy: 1e-14)
    }

    func testLossGradientsPassTheChecker() {
        let y = Tensor([1, 0, 0.3, 1, 0, 0] as [Double], shape: [2, 3])
        XCTAssertTrue(checkGradients(of: { binaryCrossEntropy(logits: $0[0], targets: y) }, at: [doubleInput([2, 3], seed: 1)]).passed)
        let teacher = sigmoid(doubleInput([2, 3], seed: 3))
        XCTAssertTrue(checkGradients(of: { distillationLoss(logits: $0[0], hardTargets: y, teacherProbabilities: teacher) },
                                     at: [doubleInput([2, 3], seed: 2)]).passed)
    }
}
