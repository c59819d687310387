import XCTest
import Tensor
@testable import NN

/// Checks a layer's gradient with respect to its input and every parameter
/// in float64: the parameters' values are replaced by the checker's leaves.
func checkLayerGradients(_ layer: any Layer, input x: Tensor, epsilon: Double = 1e-6,
                         file: StaticString = #filePath, line: UInt = #line) {
    let params = layer.parameters
    let originals = params.map(\.value)
    defer { zip(params, originals).forEach { $0.value = $1 } }
    let result = checkGradients(of: { args in
        for (p, v) in zip(params, args.dropFirst()) { p.value = v }
        return layer(args[0])
    }, at: [x] + originals.map { $0.detached() }, epsilon: epsilon)
    let names = ["input"] + layer.namedParameters().map(\.name)
    XCTAssertTrue(result.passed, "\(type(of: layer)) gradient wrt \(names[result.worstInput]): \(result)", file: file, line: line)
}

func doubleInput(_ shape: [Int], seed: UInt64) -> Tensor {
    var rng = RandomGenerator(seed: seed)
    return Tensor.normal(shape, dtype: .float64, using: &rng)
}

final class LayerGradientTests: XCTestCase {
    var rng = RandomGenerator(seed: 11)

    func testLinearGradientsOn2DAnd3DInputs() {
        let linear = Linear(4, 3, dtype: .float64, rng: &rng)
        checkLayerGradients(linear, input: doubleInput([5, 4], seed: 1))
        checkLayerGradients(linear, input: doubleInput([2, 3, 4], seed: 2))
        checkLayerGradients(Linear(4, 2, bias: false, dtype: .float64, rng: &rng), input: doubleInput([3, 4], seed: 3))
    }

    func testBatchNormGradientsInTrainingAndEvaluation() {
        let bn = BatchNorm(3, dtype: .float64)
        // Non-trivial affine parameters so their gradients are not special.
        bn.weight!.value = doubleInput([3], seed: 4).requiringGrad()
        bn.bias!.value = doubleInput([3], seed: 5).requiringGrad()
        checkLayerGradients(bn, input: doubleInput([6, 3], seed: 6))
        checkLayerGradients(bn, input: doubleInput([2, 4, 3], seed: 7))
        bn.eval()
        checkLayerGradients(bn, input: doubleInput([6, 3], seed: 8))
    }

    func testLayerNormGradients() {
        let ln = LayerNorm(5, dtype: .float64)
        ln.weight.value = doubleInput([5], seed: 9).requiringGrad()
        checkLayerGradients(ln, input: doubleInput([2, 3, 5], seed: 10))
    }

    func testSequentialAndTimeDistributedGradients() {
        let model = Sequential(Linear(4, 6, dtype: .float64, rng: &rng), Function.tanh, Linear(6, 2, dtype: .float64, rng: &rng))
        checkLayerGradients(model, input: doubleInput([3, 4], seed: 12))
        checkLayerGradients(TimeDistributed(model), input: doubleInput([2, 3, 4], seed: 13))
    }

    func testDropoutIsIdentityInEvaluationAndScalesInTraining() {
        let d = Dropout(0.5, seed: 1)
        let x = Tensor.ones([1000])
        let y = d(x).floats
        XCTAssertTrue(y.allSatisfy { $0 == 0 || $0 == 2 })
        XCTAssertEqual(Double(y.filter { $0 == 0 }.count) / 1000, 0.5, accuracy: 0.06)
        d.eval()
        XCTAssertEqual(d(x).floats, x.floats)
    }

    /// Inside `ExampleRows.with`, an example's mask depends on its global row
    /// and the pass alone: a whole batch and its two strided shares, each in
    /// its own pass context, drop the same elements; a share whose frame axis
    /// is trimmed gets the prefix of each row's mask; a second call of the
    /// layer in one pass, and another pass, draw new masks; the rate stays p.
    func testDropoutKeysEachExamplesMaskByItsGlobalRowAndPass() {
        let d = Dropout(0.5, seed: 3)
        func masks(_ rows: [Int], frames: Int, pass: UInt64 = 7) -> [[Float]] {
            let y = ExampleRows.with(rows, pass: pass) { d(Tensor.ones([rows.count, frames, 4])) }.floats
            return (0..<rows.count).map { Array(y[($0 * frames * 4)..<(($0 + 1) * frames * 4)]) }
        }
        let whole = masks([0, 1, 2, 3, 4], frames: 6)
        let even = masks([0, 2, 4], frames: 6), odd = masks([1, 3], frames: 3)
        XCTAssertEqual(even, [whole[0], whole[2], whole[4]])
        XCTAssertEqual(odd, [Array(whole[1].prefix(12)), Array(whole[3].prefix(12))])
        XCTAssertNotEqual(whole[0], whole[1])
        XCTAssertNotEqual(masks([0], frames: 6, pass: 8)[0], whole[0])
        let twice = ExampleRows.with([0], pass: 7) { [d(Tensor.ones([1, 6, 4])).floats, d(Tensor.ones([1, 6, 4])).floats] }
        XCTAssertEqual(twice[0], whole[0])
        XCTAssertNotEqual(twice[1], twice[0])
        let big = masks(Array(0..<200), frames: 5).flatMap { $0 }
        XCTAssertEqual(Double(big.filter { $0 == 0 }.count) / Double(big.count), 0.5, accuracy: 0.03)
    }
}
