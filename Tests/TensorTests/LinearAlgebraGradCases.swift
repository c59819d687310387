import XCTest
@testable import Tensor

/// Gradient checks of the linearAlgebra ops.
let linearAlgebraGradCases: [GradCase] = matmulGradCases + conv1dGradCases

final class LinearAlgebraGradientTests: XCTestCase {
    func testLinearAlgebraGradients() { runGradCases(linearAlgebraGradCases) }
}

let matmulGradCases: [GradCase] = [
    GradCase("matmul 2-D", [input([3, 4], 101), input([4, 5], 102)]) { matmul($0[0], $0[1]) },
    GradCase("matmul transposeA", [input([4, 3], 103), input([4, 5], 104)]) { matmul($0[0], $0[1], transposeA: true) },
    GradCase("matmul transposeB", [input([3, 4], 105), input([5, 4], 106)]) { matmul($0[0], $0[1], transposeB: true) },
    GradCase("matmul both transposed", [input([4, 3], 107), input([5, 4], 108)]) { matmul($0[0], $0[1], transposeA: true, transposeB: true) },
    GradCase("matmul batched 3-D", [input([2, 3, 4], 109), input([2, 4, 2], 110)]) { matmul($0[0], $0[1]) },
    GradCase("matmul 3-D × 2-D folded, transposeB", [input([2, 3, 4], 111), input([5, 4], 112)]) { matmul($0[0], $0[1], transposeB: true) },
    GradCase("matmul broadcast batch [2,1] × [3]", [input([2, 1, 3, 4], 113), input([3, 4, 2], 114)]) { matmul($0[0], $0[1]) },
    GradCase("matmul batched both transposed", [input([2, 4, 3], 115), input([2, 5, 4], 116)]) { matmul($0[0], $0[1], transposeA: true, transposeB: true) },
    GradCase("matmul reused input (xᵀx)", [input([4, 3], 117)]) { matmul($0[0], $0[0], transposeA: true) },
]

/// conv1d is im2col followed by one GEMM; these cases check im2col's col2im
/// pullback through every geometry parameter, with the matmul and bias
/// gradients flowing alongside.
let conv1dGradCases: [GradCase] = [
    GradCase("conv1d width 3, no padding", [input([1, 6, 2], 301), input([3, 2, 3], 302)]) {
        conv1d($0[0], weight: $0[1])
    },
    GradCase("conv1d with bias, batch 2", [input([2, 5, 3], 303), input([4, 3, 2], 304), input([4], 305)]) {
        conv1d($0[0], weight: $0[1], bias: $0[2])
    },
    GradCase("conv1d stride 2, padding 1", [input([2, 7, 2], 306), input([3, 2, 3], 307), input([3], 308)]) {
        conv1d($0[0], weight: $0[1], bias: $0[2], stride: 2, padding: 1)
    },
    GradCase("conv1d dilation 2, padding 2", [input([2, 6, 2], 309), input([2, 2, 3], 310)]) {
        conv1d($0[0], weight: $0[1], padding: 2, dilation: 2)
    },
    GradCase("conv1d stride 3, dilation 2, padding 1, batch 3", [input([3, 9, 2], 311), input([2, 2, 2], 312), input([2], 313)]) {
        conv1d($0[0], weight: $0[1], bias: $0[2], stride: 3, padding: 1, dilation: 2)
    },
    GradCase("conv1d width 1 (no patches)", [input([2, 4, 3], 314), input([5, 3, 1], 315), input([5], 316)]) {
        conv1d($0[0], weight: $0[1], bias: $0[2])
    },
    GradCase("im2col alone with padding wider than a step", [input([2, 3, 2], 317)]) {
        im2col($0[0], width: 4, stride: 1, padding: 2)
    },
]
