import XCTest
@testable import Tensor

/// Gradient checks of the shape ops.
let shapeGradCases: [GradCase] = [
]

final class ShapeGradientTests: XCTestCase {
    func testShapeGradients() { runGradCases(shapeGradCases) }
}
