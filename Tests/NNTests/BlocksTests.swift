import XCTest
import Tensor
@testable import NN

// Forward values: numpy float64, continuing the reference script in
// PoolingTests.swift / HeadsTests.swift (training-mode batch norm, ε 1e-5,
// dropout 0, LeakyReLU slope 0.01):
//
//   def lrelu(z): return np.where(z > 0, z, 0.01*z)
//   def fc(z, ph):
//       W1 = pat((4, 3), 0.5, ph); b1 = pat((4,), 0.1, ph + 0.1); g = 1 + pat((4,), 0.2, ph + 0.2); b = pat((4,), 0.3, ph + 0.3)
//       return lrelu(bn2(z @ W1.T + b1, g, b, 1e-5))
//   def proj(z, ph): return z @ pat((3, 4), 0.4, ph + 0.4).T + pat((3,), 0.1, ph + 0.5)
//   fc(xh, 0.0)                                              # FCBlock 3 → 4
//   lrelu(xh + proj(fc(xh, 0.0), 0.0))                       # ResidualIdentityBlock(outer 3, inner 4)
//   xb = pat((4, 3), 0.8, 2.0); mg = (xh + xb)/2
//   proj(fc(xh, 0.0), 0.0) + mg; proj(fc(xb, 1.0), 1.0) + mg # MergeAndRunBlock(features 3, inner 4)
final class BlocksForwardTests: XCTestCase {
    var rng = RandomGenerator(seed: 81)
    let x = patterned([4, 3], 1.0, 0.2)

    func set(_ block: FCBlock, phase: Double) {
        block.linear.weight.assign(patterned([4, 3], 0.5, phase))
        block.linear.bias!.assign(patterned([4], 0.1, phase + 0.1))
        block.batchNorm.weight!.assign(patterned([4], 0.2, phase + 0.2) + 1)
        block.batchNorm.bias!.assign(patterned([4], 0.3, phase + 0.3))
    }

    func set(_ linear: Linear, phase: Double) {
        linear.weight.assign(patterned([3, 4], 0.4, phase + 0.4))
        linear.bias!.assign(patterned([3], 0.1, phase + 0.5))
    }

    func testFCBlockMatchesNumpyReference() {
        let block = FCBlock(3, 4, dropout: 0, dtype: .float64, rng: &rng)
        set(block, phase: 0)
        assertClose(block(x), [
            0.828865046974, 0.636541372366, 0.411118383289, -0.00425536861118, 1.15064226874, 1.43555433494,
            1.63073559864, -0.0097437258613, -0.000968438522876, 0.259151353766, 0.575532405424, 0.404614453235,
            -0.0152803921543, -0.0158606387663, -0.0158250131467, 2.17981511523,
        ], "FCBlock")
    }

    func testResidualIdentityBlockMatchesNumpyReference() {
        let block = ResidualIdentityBlock(outer: 3, inner: 4, dropout: 0, dtype: .float64, rng: &rng)
        set(block.block, phase: 0)
        set(block.projection, phase: 0)
        assertClose(block(x), [
            0.700692908641, 1.21167886191, 0.556066039629, 2.1819020769, 2.28011703801, 0.0335264156261,
            1.15126063528, 0.640259904297, -0.00326771995453, 0.526994518151, -0.00493573937625, -0.0164556510042,
        ], "ResidualIdentityBlock")
    }

    func testMergeAndRunBlockMatchesNumpyReference() {
        let block = MergeAndRunBlock(features: 3, inner: 4, dropout: 0, dtype: .float64, rng: &rng)
        set(block.branchA.block, phase: 0)
        set(block.branchA.output, phase: 0)
        set(block.branchB.block, phase: 1)
        set(block.branchB.output, phase: 1)
        let (a, b) = block(x, patterned([4, 3], 0.8, 2.0))
        assertClose(a, [
            0.965077213974, 1.22077393285, 0.308640900986, 1.71144456047, 1.65030136162, -0.670404823517,
            0.468487624306, 0.0710552454999, -0.705369121768, 0.390246269285, -0.369965075072, -1.27832900612,
        ], "MergeAndRunBlock stream a")
        assertClose(b, [
            2.27740098371, 0.783372641411, -1.05081055774, 1.10147728075, 0.263654660955, -0.279704479325,
            0.987058073872, -0.88672989667, -1.3654353585, -0.138358423327, -0.736430223634, -0.783988211879,
        ], "MergeAndRunBlock stream b")
    }

    func testDropoutOfABlockIsActiveOnlyInTraining() {
        let block = FCBlock(6, 64, dropout: 0.5, rng: &rng)
        let input = Tensor.normal([8, 6], using: &rng)
        XCTAssertTrue(block(input).floats.contains(0))
        block.eval()
        XCTAssertEqual(block(input).floats, block(input).floats)
    }
}

/// Both streams of a merge-and-run block as one `Layer` for the gradient
/// checker: [B, 2F] → [B, 2F] (split, block, concatenate).
final class MergeAndRunAsLayer: Module, Layer {
    let block: MergeAndRunBlock
    init(_ block: MergeAndRunBlock) { self.block = block }
    func forward(_ x: Tensor) -> Tensor {
        let halves = x.split(count: 2, axis: 1)
        let (a, b) = block(halves[0], halves[1])
        return Tensor.concat([a, b], axis: 1)
    }
}

final class BlocksGradientTests: XCTestCase {
    var rng = RandomGenerator(seed: 91)

    func testFCBlockAndIdentityBlockGradients() {
        checkLayerGradients(FCBlock(4, 3, dropout: 0, dtype: .float64, rng: &rng), input: doubleInput([5, 4], seed: 1))
        checkLayerGradients(ResidualIdentityBlock(outer: 4, inner: 3, dropout: 0, dtype: .float64, rng: &rng), input: doubleInput([5, 4], seed: 2))
        let evaluated = ResidualIdentityBlock(outer: 4, inner: 6, dropout: 0.5, dtype: .float64, rng: &rng)
        evaluated.eval()
        checkLayerGradients(evaluated, input: doubleInput([5, 4], seed: 3))
    }

    func testMergeAndRunBlockGradientsOfBothStreams() {
        checkLayerGradients(MergeAndRunAsLayer(MergeAndRunBlock(features: 3, inner: 5, dropout: 0, dtype: .float64, rng: &rng)),
                            input: doubleInput([5, 6], seed: 4))
    }
}

final class BlocksParameterCountTests: XCTestCase {
    var rng = RandomGenerator(seed: 101)

    func testEachBlockMatchesItsParameterCountFormula() {
        for (a, b) in [(3, 4), (16, 7)] {
            XCTAssertEqual(FCBlock(a, b, rng: &rng).parameterCount, a * b + 3 * b)
            XCTAssertEqual(ResidualIdentityBlock(outer: a, inner: b, rng: &rng).parameterCount, shapeOnlyCount { ResidualIdentityBlock(outer: a, inner: b, rng: &$0) })
            XCTAssertEqual(shapeOnlyCount { ResidualIdentityBlock(outer: a, inner: b, rng: &$0) }, a * b + 3 * b + b * a + a)
            XCTAssertEqual(MergeAndRunBlock(features: a, inner: b, rng: &rng).parameterCount, shapeOnlyCount { MergeAndRunBlock(features: a, inner: b, rng: &$0) })
            XCTAssertEqual(shapeOnlyCount { MergeAndRunBlock(features: a, inner: b, rng: &$0) }, 2 * (a * b + 3 * b + b * a + a))
        }
        XCTAssertEqual(MergeAndRunBlock(features: 2, rng: &rng).namedParameters().map(\.name).prefix(5), [
            "branch_a.block.linear.weight", "branch_a.block.linear.bias", "branch_a.block.batch_norm.weight",
            "branch_a.block.batch_norm.bias", "branch_a.output.weight",
        ])
    }

    /// Samsung `ResNetLike(inner, av, concat)` (docs/zoo.md) assembled from shape-only builds of its blocks.
    func resNetLike(inner s: Int, av: Int, concat: Int, video: Int = 1024, audio: Int = 128, classes: Int = 3862) -> Int {
        shapeOnlyCount { FCBlock(audio, s, rng: &$0) } + shapeOnlyCount { FCBlock(video, s, rng: &$0) }
            + 2 * av * shapeOnlyCount { ResidualIdentityBlock(outer: s, inner: s, rng: &$0) }
            + concat * shapeOnlyCount { ResidualIdentityBlock(outer: 2 * s, inner: s, rng: &$0) }
            + shapeOnlyCount { FCBlock(2 * s, s, rng: &$0) } + (s + 1) * classes
    }

    func testSamsungResNetLikeCountsMatchZoo() {
        XCTAssertEqual(Double(resNetLike(inner: 2048, av: 1, concat: 1)) / 1e6, 52.3, accuracy: 0.05)    // default
        XCTAssertEqual(Double(resNetLike(inner: 2048, av: 4, concat: 4)) / 1e6, 153.0, accuracy: 0.05)   // config0
        // Config 91, VLAD-BOW K = 4096 (learnable p each) + ResNetLike(inner 1024) on the two K-wide BoWs:
        // 27.58 M; docs/zoo.md's 32.3 M includes Samsung's unused 4096×(1024 + 128) cluster centres (4.72 M).
        let bow = shapeOnlyCount { VLADBoW(featureSize: 1024, clusters: 4096, rng: &$0) } + shapeOnlyCount { VLADBoW(featureSize: 128, clusters: 4096, rng: &$0) }
        let total = bow + resNetLike(inner: 1024, av: 1, concat: 1, video: 4096, audio: 4096)
        XCTAssertEqual(Double(total + 4096 * (1024 + 128)) / 1e6, 32.3, accuracy: 0.05)
    }
}
