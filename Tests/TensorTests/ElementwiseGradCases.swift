import XCTest
@testable import Tensor

/// Arithmetic, unary functions, activations, where, conversion, reshape and
/// broadcast: plain shapes, broadcasting both ways, permuted inputs, reuse.
let elementwiseGradCases: [GradCase] = [
    GradCase("add same shape", [input([3, 4], 1), input([3, 4], 2)]) { $0[0] + $0[1] },
    GradCase("add broadcast row and column", [input([3, 1], 3), input([1, 4], 4)]) { $0[0] + $0[1] },
    GradCase("add broadcast rank 1 into rank 3", [input([2, 3, 4], 5), input([4], 6)]) { $0[0] + $0[1] },
    GradCase("subtract broadcast scalar", [input([2, 3], 7), input([], 8)]) { $0[0] - $0[1] },
    GradCase("multiply broadcast middle axis", [input([2, 3, 4], 9), input([2, 1, 4], 10)]) { $0[0] * $0[1] },
    GradCase("multiply reused input (x·x)", [input([5], 11)]) { $0[0] * $0[0] },
    GradCase("divide broadcast", [input([3, 4], 12), awayFromZero([4], 13)]) { $0[0] / $0[1] },
    GradCase("pow positive base, tensor exponent", [positive([3, 3], 14), input([3, 3], 15, -1.5, 1.5)]) { pow($0[0], $0[1]) },
    GradCase("maximum without ties", [input([4, 3], 16), input([3], 17)]) { maximum($0[0], $0[1]) },
    GradCase("minimum without ties", [input([4, 3], 18), input([4, 1], 19)]) { minimum($0[0], $0[1]) },
    GradCase("where broadcast mask", [input([3, 4], 20), input([3, 4], 21)]) {
        Tensor.where(Tensor([1, 0, 1, 1] as [UInt8], shape: [4]), $0[0], $0[1] * 2)
    },
    GradCase("negate", [input([6], 22)]) { -$0[0] },
    GradCase("exp", [input([2, 3], 23)]) { exp($0[0]) },
    GradCase("log", [positive([2, 3], 24)]) { log($0[0]) },
    GradCase("log1p", [positive([2, 3], 25, -0.5, 2)]) { log1p($0[0]) },
    GradCase("sqrt", [positive([2, 3], 26)]) { sqrt($0[0]) },
    GradCase("rsqrt", [positive([2, 3], 27)]) { rsqrt($0[0]) },
    GradCase("abs away from 0", [awayFromZero([2, 4], 28)]) { abs($0[0]) },
    GradCase("sign has zero gradient", [awayFromZero([5], 29)]) { sign($0[0]) * $0[0] },
    GradCase("clamp away from the bounds", [awayFromZero([3, 4], 30)]) { clamp($0[0], min: -1.1, max: 1.2) },
    GradCase("power 3", [input([4], 31)]) { pow($0[0], 3) },
    GradCase("power 0.5", [positive([4], 32)]) { pow($0[0], 0.5) },
    GradCase("relu", [awayFromZero([3, 3], 33)]) { relu($0[0]) },
    GradCase("leaky relu", [awayFromZero([3, 3], 34)]) { leakyRelu($0[0], slope: 0.2) },
    GradCase("elu", [awayFromZero([3, 3], 35)]) { elu($0[0], alpha: 0.7) },
    GradCase("sigmoid", [input([3, 3], 36, -6, 6)]) { sigmoid($0[0]) },
    GradCase("tanh", [input([3, 3], 37)]) { tanh($0[0]) },
    GradCase("softplus", [input([3, 3], 38, -8, 8)]) { softplus($0[0]) },
    GradCase("gelu", [input([3, 3], 39, -4, 4)]) { gelu($0[0]) },
    GradCase("conversion float64 → float32 → float64", [input([3], 40)], relativeTolerance: 1e-3, absoluteTolerance: 1e-4, epsilon: 1e-2) {
        ($0[0].converted(to: .float32) * 2).converted(to: .float64)
    },
    GradCase("reshape", [input([2, 6], 41)]) { $0[0].reshaped(to: [3, -1]) * input([3, 4], 42) },
    GradCase("broadcast to", [input([3, 1], 43)]) { $0[0].broadcast(to: [2, 3, 4]) * input([2, 3, 4], 44) },
    GradCase("sum over all and over axes with keepDims", [input([2, 3, 4], 45)]) {
        $0[0].sum(axes: [0, 2], keepDims: true) * $0[0].sum()
    },
    GradCase("mean over non-adjacent axes", [input([2, 3, 4], 46)]) { $0[0].mean(axes: [0, 2]) },
]

final class ElementwiseGradientTests: XCTestCase {
    func testElementwiseGradients() { runGradCases(elementwiseGradCases) }
}
