import XCTest
import Tensor
@testable import NN

// Forward values: numpy float64, continuing the reference script in
// PoolingTests.swift (pat, softmax as there; sig(z) = 1/(1+exp(-z))):
//
//   xh = pat((4, 3), 1.0, 0.2); Wg = pat((3, 3), 0.6, 0.4)
//   g3 = 1 + pat((3,), 0.2, 0.5); b3 = pat((3,), 0.3, 0.7)
//   def bn2(z, g, b, eps): mu = z.mean(0); var = ((z - mu)**2).mean(0); return (z - mu)/np.sqrt(var + eps)*g + b
//   xh*sig(bn2(xh @ Wg.T, g3, b3, 1e-3))                            # context gating
//   xh*sig(bn2(xh @ Wg.T - xh*np.diag(Wg), g3, b3, 1e-3))           # ... with removeDiagonal
//   Wgt = pat((6, 3), 0.7, 0.6); Wex = pat((4, 3), 0.9, 0.8); bex = pat((4,), 0.2, 1.0)   # C = 2, m = 2
//   gate = softmax((xh @ Wgt.T).reshape(-1, 3)); ex = sig((xh @ Wex.T + bex).reshape(-1, 2))
//   p = (gate[:, :2]*ex).sum(1).reshape(-1, 2)                       # MoE
//   p*sig(bn2(p @ pat((2, 2), 0.5, 0.3).T, np.ones(2), np.zeros(2), 1e-3))   # ... with probability gating
final class HeadsForwardTests: XCTestCase {
    var rng = RandomGenerator(seed: 51)
    let x = patterned([4, 3], 1.0, 0.2)

    func testContextGatingMatchesNumpyReference() {
        let cg = ContextGating(3, dtype: .float64, rng: &rng)
        cg.gate.weight.assign(patterned([3, 3], 0.6, 0.4))
        cg.batchNorm!.weight!.assign(patterned([3], 0.2, 0.5) + 1)
        cg.batchNorm!.bias!.assign(patterned([3], 0.3, 0.7))
        assertClose(cg(x), [
            0.13617431225, 0.355871532999, 0.288142631554, 0.77290874181, 0.824242519395, 0.735055965326,
            0.3558458718, 0.205611722024, -0.0144771360695, -0.06647847148, -0.117348336372, -0.225833985342,
        ], "ContextGating")
    }

    func testContextGatingWithoutDiagonalMatchesNumpyReference() {
        let cg = ContextGating(3, removeDiagonal: true, dtype: .float64, rng: &rng)
        cg.gate.weight.assign(patterned([3, 3], 0.6, 0.4))
        cg.batchNorm!.weight!.assign(patterned([3], 0.2, 0.5) + 1)
        cg.batchNorm!.bias!.assign(patterned([3], 0.3, 0.7))
        assertClose(cg(x), [
            0.14256874083, 0.351852491764, 0.432515222434, 0.763827461019, 0.825119708127, 0.751024217487,
            0.335377093153, 0.207658184251, -0.0128494758217, -0.0680358627954, -0.117542192957, -0.16521418507,
        ], "ContextGating removeDiagonal")
    }

    func makeMoE(probabilityGating: Bool) -> MixtureOfExperts {
        let moe = MixtureOfExperts(3, classes: 2, mixtures: 2, probabilityGating: probabilityGating, dtype: .float64, rng: &rng)
        moe.gates.weight.assign(patterned([6, 3], 0.7, 0.6))
        moe.experts.weight.assign(patterned([4, 3], 0.9, 0.8))
        moe.experts.bias!.assign(patterned([4], 0.2, 1.0))
        moe.probabilityGating?.gate.weight.assign(patterned([2, 2], 0.5, 0.3))
        return moe
    }

    func testMixtureOfExpertsMatchesNumpyReference() {
        assertClose(makeMoE(probabilityGating: false)(x), [
            0.668861397555, 0.115770009184, 0.826036452772, 0.0484466846684,
            0.539630168068, 0.242317150664, 0.0809267790376, 0.68742854643,
        ], "MixtureOfExperts")
    }

    func testMixtureOfExpertsWithProbabilityGatingMatchesNumpyReference() {
        assertClose(makeMoE(probabilityGating: true)(x), [
            0.239663270261, 0.0436379244244, 0.30512189004, 0.0300527848325,
            0.247388396193, 0.102589784804, 0.0633786586218, 0.398343013694,
        ], "MixtureOfExperts with probability gating")
    }

    func testHeadsPickTheLossThatMatchesTheirOutput() {
        let targets = Tensor([1, 0, 0, 1, 1, 1, 0, 0] as [Double], shape: [4, 2])
        let moe = makeMoE(probabilityGating: false)
        XCTAssertEqual(moe.loss(x, targets: targets).scalar,
                       binaryCrossEntropy(probabilities: moe(x), targets: targets).scalar, accuracy: 1e-15)
        XCTAssertEqual(moe.probabilities(x).doubles, moe(x).doubles)
        let logistic = LogisticClassifier(3, classes: 2, dtype: .float64, rng: &rng)
        XCTAssertEqual(logistic.loss(x, targets: targets).scalar,
                       binaryCrossEntropy(logits: logistic(x), targets: targets, reduction: .sumOverClassesMeanOverBatch).scalar,
                       accuracy: 1e-15)
        assertAllClose(logistic.probabilities(x).doubles, sigmoid(logistic(x)).doubles, accuracy: 0)
        // Same loss value both ways up to the starter's ε.
        XCTAssertEqual(logistic.loss(x, targets: targets).scalar,
                       binaryCrossEntropy(probabilities: logistic.probabilities(x), targets: targets).scalar, accuracy: 1e-3)
    }
}

final class HeadsGradientTests: XCTestCase {
    var rng = RandomGenerator(seed: 61)

    func testContextGatingGradients() {
        let cg = ContextGating(4, dtype: .float64, rng: &rng)
        cg.batchNorm!.weight!.assign(doubleInput([4], seed: 1) * 0.3 + 1)
        checkLayerGradients(cg, input: doubleInput([5, 4], seed: 2))
        checkLayerGradients(ContextGating(4, batchNorm: false, dtype: .float64, rng: &rng), input: doubleInput([5, 4], seed: 3))
        checkLayerGradients(ContextGating(4, removeDiagonal: true, dtype: .float64, rng: &rng), input: doubleInput([5, 4], seed: 4))
        let evaluated = ContextGating(4, dtype: .float64, rng: &rng)
        evaluated.eval()
        checkLayerGradients(evaluated, input: doubleInput([5, 4], seed: 5))
    }

    func testMixtureOfExpertsGradients() {
        checkLayerGradients(MixtureOfExperts(4, classes: 3, mixtures: 2, dtype: .float64, rng: &rng), input: doubleInput([5, 4], seed: 6))
        checkLayerGradients(MixtureOfExperts(4, classes: 3, mixtures: 3, probabilityGating: true, lowRankGating: 2,
                                             dtype: .float64, rng: &rng), input: doubleInput([5, 4], seed: 7))
    }

    func testLogisticClassifierGradients() {
        checkLayerGradients(LogisticClassifier(4, classes: 3, dtype: .float64, rng: &rng), input: doubleInput([5, 4], seed: 8))
    }
}

final class HeadsParameterCountTests: XCTestCase {
    var rng = RandomGenerator(seed: 71)

    func testEachHeadMatchesItsParameterCountFormula() {
        for (f, c, m) in [(3, 2, 1), (7, 5, 2), (16, 4, 4)] {
            XCTAssertEqual(ContextGating(f, rng: &rng).parameterCount, f * f + 2 * f)
            XCTAssertEqual(ContextGating(f, batchNorm: false, rng: &rng).parameterCount, shapeOnlyCount { ContextGating(f, batchNorm: false, rng: &$0) })
            XCTAssertEqual(MixtureOfExperts(f, classes: c, mixtures: m, rng: &rng).parameterCount, f * c * (m + 1) + f * c * m + c * m)
            for (gating, rank) in [(true, nil), (false, 3), (true, 2)] as [(Bool, Int?)] {
                XCTAssertEqual(MixtureOfExperts(f, classes: c, mixtures: m, probabilityGating: gating, lowRankGating: rank, rng: &rng).parameterCount,
                               shapeOnlyCount { MixtureOfExperts(f, classes: c, mixtures: m, probabilityGating: gating, lowRankGating: rank, rng: &$0) })
            }
            XCTAssertEqual(LogisticClassifier(f, classes: c, rng: &rng).parameterCount, shapeOnlyCount { LogisticClassifier(f, classes: c, rng: &$0) })
        }
        let moe = MixtureOfExperts(3, classes: 2, probabilityGating: true, lowRankGating: 2, rng: &rng)
        XCTAssertEqual(moe.namedParameters().map(\.name), [
            "gates_bottleneck.weight", "gates.weight", "experts.weight", "experts.bias",
            "probability_gating.gate.weight", "probability_gating.batch_norm.weight", "probability_gating.batch_norm.bias",
        ])
    }

    func testStarterAndWillowHeadCountsMatchZoo() {
        // docs/zoo.md on the 1152-d video-level input, C = 3862.
        XCTAssertEqual(Double(shapeOnlyCount { LogisticClassifier(1152, classes: 3862, rng: &$0) }) / 1e6, 4.45, accuracy: 0.005)
        XCTAssertEqual(Double(shapeOnlyCount { MixtureOfExperts(1152, classes: 3862, mixtures: 2, rng: &$0) }) / 1e6, 22.25, accuracy: 0.005)
        XCTAssertEqual(Double(shapeOnlyCount { MixtureOfExperts(1152, classes: 3862, mixtures: 4, rng: &$0) }) / 1e6, 40.1, accuracy: 0.05)
        XCTAssertEqual(Double(shapeOnlyCount { ContextGating(3862, rng: &$0) }) / 1e6, 14.9, accuracy: 0.05)
        // The built starter MoE (22 M floats) has the count of its shape-only build.
        XCTAssertEqual(MixtureOfExperts(1152, classes: 3862, mixtures: 2, rng: &rng).parameterCount, 22_252_844)
    }
}

/// `initializeOutputBias(toPrior:)`: for a zero input each head's
/// probabilities are the prior. Expected biases worked out by hand
/// (logit(q) = log(q/(1 − q)); a MoE of m experts aims its experts at
/// q·(m + 1)/m, twice that with probability gating, at most 0.99).
final class HeadsOutputBiasPriorTests: XCTestCase {
    var rng = RandomGenerator(seed: 81)
    let prior = [0.2, 0.05, 0.001]
    let zeros = Tensor.zeros([4, 5], dtype: .float64)

    func testLogisticClassifierStartsAtThePrior() {
        let head = LogisticClassifier(5, classes: 3, dtype: .float64, rng: &rng)
        head.initializeOutputBias(toPrior: prior)
        assertAllClose(head.linear.bias!.value.doubles, [-1.3862943611198906, -2.9444389791664403, -6.906754778648554],
                       accuracy: 1e-12)
        assertAllClose(head.probabilities(zeros).doubles, Array([[Double]](repeating: prior, count: 4).joined()), accuracy: 1e-12)
    }

    func testLinearSetsItsBiasToTheLogitsAndKeepsItsWeights() {
        let linear = Linear(5, 3, dtype: .float64, rng: &rng)
        let weights = linear.weight.value.doubles
        linear.initializeOutputBias(toPrior: prior)
        XCTAssertEqual(linear.weight.value.doubles, weights)
        assertAllClose(sigmoid(linear(zeros)).doubles, Array([[Double]](repeating: prior, count: 4).joined()), accuracy: 1e-12)
    }

    func testMixtureOfExpertsStartsAtThePrior() {
        // m = 2: every expert of class c at logit(1.5·q_c); the gates give each 1/3.
        let moe = MixtureOfExperts(5, classes: 3, mixtures: 2, dtype: .float64, rng: &rng)
        moe.initializeOutputBias(toPrior: prior)
        let b = [-0.8472978603872034, -2.512305623976115, -6.500789044747705]
        assertAllClose(moe.experts.bias!.value.doubles, b.flatMap { [$0, $0] }, accuracy: 1e-12)
        assertAllClose(moe(zeros).doubles, Array([[Double]](repeating: prior, count: 4).joined()), accuracy: 1e-12)
        // Low-rank gating has no bias either: the same.
        let lowRank = MixtureOfExperts(5, classes: 3, mixtures: 2, lowRankGating: 2, dtype: .float64, rng: &rng)
        lowRank.initializeOutputBias(toPrior: prior)
        assertAllClose(lowRank(zeros).doubles, Array([[Double]](repeating: prior, count: 4).joined()), accuracy: 1e-12)
    }

    func testMixtureOfExpertsWithProbabilityGatingStartsAtThePrior() {
        // m = 3 with probability gating: experts at logit(2·q·4/3); for a batch of equal
        // rows the gating's batch norm gives 0, so the gate is 1/2 (training mode).
        let moe = MixtureOfExperts(5, classes: 4, mixtures: 3, probabilityGating: true, dtype: .float64, rng: &rng)
        let q = [0.2, 0.05, 0.001, 0.45]
        moe.initializeOutputBias(toPrior: q)
        let b = [0.13353139262452257, -1.8718021769015916, -5.924255797414532, 4.595119850134589]
        assertAllClose(moe.experts.bias!.value.doubles, b.flatMap { [$0, $0, $0] }, accuracy: 1e-12)
        moe.train()
        // 0.45 cannot be reached (2·0.45·4/3 > 0.99): that class starts at 0.99·(3/4)/2.
        let expected = [0.2, 0.05, 0.001, 0.37125]
        assertAllClose(moe(zeros).doubles, Array([[Double]](repeating: expected, count: 4).joined()), accuracy: 1e-6)
    }
}
