import XCTest
@testable import Tensor

/// Gradient checks of the reduction ops. Random inputs have no ties, so max
/// and min are differentiable at them; the tie rule is pinned down in
/// ReductionForwardTests.
let reductionGradCases: [GradCase] = [
    GradCase("max over the last axis", [input([3, 5], 201)]) { max($0[0], axis: -1) },
    GradCase("max over axis 0 with keepDims", [input([4, 3], 202)]) { max($0[0], axis: 0, keepDims: true) * input([1, 3], 203) },
    GradCase("max over a middle axis", [input([2, 4, 3], 204)]) { max($0[0], axis: 1) },
    GradCase("max over non-adjacent axes", [input([3, 2, 4], 205)]) { max($0[0], axes: [0, 2]) },
    GradCase("max over adjacent axes with keepDims", [input([2, 3, 4], 206)]) { max($0[0], axes: [1, 2], keepDims: true) },
    GradCase("max over all axes", [input([3, 4], 207)]) { max($0[0]) },
    GradCase("min over the last axis", [input([3, 5], 208)]) { min($0[0], axis: -1) },
    GradCase("min over axes 0 and 2 with keepDims", [input([2, 3, 4, 2], 209)]) { min($0[0], axes: [0, 2], keepDims: true) },
    GradCase("min over a middle axis of a long row", [input([2, 40, 3], 210)]) { min($0[0], axis: 1) },
    GradCase("max over a long row (SIMD path)", [input([3, 37], 211)]) { max($0[0], axis: 1) },
    GradCase("softmax over the last axis", [input([3, 5], 212)]) { softmax($0[0]) },
    GradCase("softmax over axis 0", [input([4, 3], 213)]) { softmax($0[0], axis: 0) },
    GradCase("softmax over a middle axis", [input([2, 4, 3], 214)]) { softmax($0[0], axis: 1) },
    GradCase("softmax of large logits", [input([2, 6], 215, 95, 105)]) { softmax($0[0], axis: -1) },
    GradCase("log-softmax over the last axis", [input([3, 5], 216)]) { logSoftmax($0[0]) },
    GradCase("log-softmax over axis 0", [input([4, 3], 217)]) { logSoftmax($0[0], axis: 0) },
    GradCase("log-softmax over a middle axis", [input([2, 4, 3], 218)]) { logSoftmax($0[0], axis: 1) },
    GradCase("log-softmax composed with exp and a product", [input([3, 4], 219)]) {
        exp(logSoftmax($0[0], axis: 1)) * input([3, 4], 220)
    },
    GradCase("unbiased variance over one axis", [input([3, 5], 221)]) { $0[0].variance(axis: 1) },
    GradCase("biased variance over two axes with keepDims", [input([2, 3, 4], 222)]) {
        $0[0].variance(axes: [0, 2], keepDims: true, unbiased: false)
    },
    GradCase("std over the first axis", [input([4, 3], 223)]) { $0[0].std(axis: 0) },
    GradCase("std over all axes, biased", [input([2, 3], 224)]) { $0[0].std(unbiased: false) },
    GradCase("logsumexp over the last axis", [input([3, 4], 225)]) { $0[0].logsumexp(axis: -1) },
    GradCase("logsumexp over two axes with keepDims", [input([2, 3, 4], 226)]) { $0[0].logsumexp(axes: [0, 2], keepDims: true) },
    GradCase("logsumexp of large values", [input([2, 5], 227, 500, 510)]) { $0[0].logsumexp(axis: 1) },
    GradCase("L2 norm over the last axis", [awayFromZero([3, 4], 228)]) { $0[0].norm(axis: -1) },
    GradCase("L2 norm over all axes", [input([2, 3], 229)]) { $0[0].norm() },
    GradCase("l2Normalize along the last axis", [input([3, 4], 230)]) { l2Normalize($0[0]) },
    GradCase("l2Normalize along axis 0", [input([4, 3], 231)]) { l2Normalize($0[0], axis: 0) },
    GradCase("l2Normalize below epsilon scales by 1/√ε", [input([2, 3], 232, -1e-4, 1e-4)], epsilon: 1e-9) {
        l2Normalize($0[0], axis: 1, epsilon: 1e-6)
    },
    GradCase("layerNormalize over the last axis", [input([3, 5], 901)]) { layerNormalize($0[0]) * input([3, 5], 902) },
    GradCase("layerNormalize of a 3-d input with a large epsilon", [input([2, 3, 4], 903)]) {
        layerNormalize($0[0], epsilon: 0.5) * input([2, 3, 4], 904)
    },
]

final class ReductionGradientTests: XCTestCase {
    func testReductionGradients() { runGradCases(reductionGradCases) }
}
