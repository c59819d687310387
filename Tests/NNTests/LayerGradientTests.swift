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
}
