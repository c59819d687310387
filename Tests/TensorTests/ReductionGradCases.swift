import XCTest
@testable import Tensor

/// Gradient checks of the reduction ops.
let reductionGradCases: [GradCase] = [
]

final class ReductionGradientTests: XCTestCase {
    func testReductionGradients() { runGradCases(reductionGradCases) }
}
