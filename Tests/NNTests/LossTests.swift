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

    func testNoReductionGivesEveryElementsLoss() {
        // ln 2; ln(1 + e²); ln(1 + e⁻³) + 3: their mean is the value above.
        let logits = Tensor([0, 2, -3] as [Double]), targets = Tensor([1, 0, 1] as [Double])
        let each = binaryCrossEntropy(logits: logits, targets: targets, reduction: .none)
        XCTAssertEqual(each.shape, [3])
        for (got, expected) in zip(each.doubles, [0.6931471805599453, 2.1269280110429727, 3.048587351573742]) {
            XCTAssertEqual(got, expected, accuracy: 1e-14)
        }
        let p = Tensor([0.9, 0.2, 0.4, 0.7] as [Double], shape: [2, 2]), y = Tensor([1, 0, 0, 1] as [Double], shape: [2, 2])
        XCTAssertEqual(binaryCrossEntropy(probabilities: p, targets: y, reduction: .none).shape, [2, 2])
        // Weighted afterwards by the caller: ∂/∂x Σ wᵢ·lossᵢ = wᵢ·(σ(xᵢ) − yᵢ); at x = 0, σ = ½.
        let w = Tensor([2, 0, 1] as [Double])
        let g = gradient(of: { (binaryCrossEntropy(logits: $0, targets: targets, reduction: .none) * w).sum() },
                         wrt: Tensor([0, 0, 0] as [Double]))
        XCTAssertEqual(g.doubles, [-1, 0, -0.5])
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

    func testLabelWeightsCountOnlyTheWeightedElements() {
        // The starter's label_weights: −ln(0.90001) and −ln(0.70001) count, the zero-weighted elements do not.
        let p = Tensor([0.9, 0.2, 0.4, 0.7] as [Double], shape: [2, 2]), y = Tensor([1, 0, 0, 1] as [Double], shape: [2, 2])
        let w = Tensor([1, 0, 0, 1] as [Double], shape: [2, 2])
        XCTAssertEqual(binaryCrossEntropy(probabilities: p, targets: y, weights: w).scalar, 0.23100503146746482, accuracy: 1e-14)
        // From logits [[0, 2], [−3, 1]], targets [[1, 0], [1, 1]], the third element weighted 0: (ln 2 + softplus 2 + softplus 1 − 1)/2.
        let x = Tensor([0, 2, -3, 1] as [Double], shape: [2, 2]), t = Tensor([1, 0, 1, 1] as [Double], shape: [2, 2])
        XCTAssertEqual(binaryCrossEntropy(logits: x, targets: t, weights: Tensor([1, 1, 0, 1] as [Double], shape: [2, 2]),
                                          reduction: .sumOverClassesMeanOverBatch).scalar, 1.5666684395605706, accuracy: 1e-14)
        let weights = Tensor([1, 0, 0.5, 1, 0, 2] as [Double], shape: [2, 3]), soft = Tensor([1, 0, 0.3, 1, 0, 0] as [Double], shape: [2, 3])
        XCTAssertTrue(checkGradients(of: { binaryCrossEntropy(logits: $0[0], targets: soft, weights: weights) },
                                     at: [doubleInput([2, 3], seed: 4)]).passed)
        XCTAssertTrue(checkGradients(of: { binaryCrossEntropy(probabilities: sigmoid($0[0]), targets: soft, weights: weights) },
                                     at: [doubleInput([2, 3], seed: 5)]).passed)
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

/// The ranking and softmax losses against values computed by hand in Python.
final class RankingAndSoftmaxLossTests: XCTestCase {
    func testPairwiseRankingLossPairsEveryPositiveWithEachRowsTopNegatives() {
        // Row 0: positive 2; negatives 0.5, −1, 0 → top-2 = 0.5, 0.
        // Row 1: positives 3, −2; negatives 0, 1 → top-2 = 1, 0.
        // Pairs: {2, 3, −2} × {0.5, 0, 1, 0}; mean of log(1 + exp(n − p + 1)).
        let s = Tensor([2, 0.5, -1, 0, 0, 1, 3, -2] as [Double], shape: [2, 4])
        let y = Tensor([1, 0, 0, 0, 0, 0, 1, 1] as [Double], shape: [2, 4])
        XCTAssertEqual(pairwiseRankingLoss(logits: s, targets: y, negativesPerExample: 2).scalar, 1.3506127980584444, accuracy: 1e-14)
    }

    func testPairwiseRankingLossGradientAndEmptyBatch() {
        let y = Tensor([1, 0, 0, 0, 0, 0, 1, 1, 0, 1, 0, 0] as [Double], shape: [3, 4])
        let r = checkGradients(of: { pairwiseRankingLoss(logits: $0[0], targets: y, negativesPerExample: 2) },
                               at: [doubleInput([3, 4], seed: 21)])
        XCTAssertTrue(r.passed, "\(r)")
        XCTAssertEqual(pairwiseRankingLoss(logits: Tensor.ones([2, 3]), targets: Tensor.zeros([2, 3])).scalar, 0)
    }

    func testSoftmaxCrossEntropyNormalisesMultiLabelTargets() {
        let s = Tensor([1, 2, 3, 0, 0, 0] as [Double], shape: [2, 3]), y = Tensor([1, 0, 1, 0, 1, 0] as [Double], shape: [2, 3])
        XCTAssertEqual(softmaxCrossEntropy(logits: s, targets: y).scalar, 1.2531091265562453, accuracy: 1e-14)
        XCTAssertTrue(checkGradients(of: { softmaxCrossEntropy(logits: $0[0], targets: y) }, at: [doubleInput([2, 3], seed: 22)]).passed)
    }
}

final class MixupTests: XCTestCase {
    func testMixupMixesInputsAndTargetsWithTheSameLambdaAndPartner() {
        var mixup = Mixup(alpha: 0.3, seed: 1)
        let x = Tensor([0, 10, 20, 30] as [Double], shape: [4, 1]), y = Tensor([1, 0, 0, 1] as [Double], shape: [4, 1])
        let (xs, t, lambda) = mixup(inputs: [x], targets: y)
        let mixed = xs[0].doubles, targets = t.doubles
        for i in 0..<4 {
            XCTAssertTrue(lambda[i] >= 0 && lambda[i] <= 1)
            // x'ᵢ = λᵢ·xᵢ + (1 − λᵢ)·xⱼ: recover the partner j from x and check y used the same one.
            let j = (mixed[i] - lambda[i] * Double(10 * i)) / (1 - lambda[i]) / 10
            let partner = Int(j.rounded())
            XCTAssertEqual(j, Double(partner), accuracy: 1e-9)
            XCTAssertEqual(targets[i], lambda[i] * y.doubles[i] + (1 - lambda[i]) * y.doubles[partner], accuracy: 1e-12)
        }
    }
}
