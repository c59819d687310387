import XCTest
@testable import Tensor

/// Gradient checks of the linearAlgebra ops.
let linearAlgebraGradCases: [GradCase] = matmulGradCases + [
]

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
