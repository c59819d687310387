import XCTest
@testable import Tensor

/// One gradient check (Tensor's public ``GradientCheckCase``).
typealias GradCase = GradientCheckCase

/// Every family's cases; a new family adds its array here.
let allGradCases: [GradCase] = elementwiseGradCases + shapeGradCases + reductionGradCases + linearAlgebraGradCases
    + customOpGradCases

/// Random float64 input with values in [lo, hi), seeded by `seed`.
func input(_ shape: [Int], _ seed: UInt64, _ lo: Double = -2, _ hi: Double = 2) -> Tensor {
    var rng = RandomGenerator(seed: seed)
    return Tensor.uniform(shape, low: lo, high: hi, dtype: .float64, using: &rng)
}

/// Values bounded away from zero (for log, sqrt, division, abs, relu kinks).
func awayFromZero(_ shape: [Int], _ seed: UInt64, min: Double = 0.3, max: Double = 2) -> Tensor {
    let x = input(shape, seed, min, max)
    var rng = RandomGenerator(seed: seed &+ 1)
    let signs = Tensor.bernoulli(shape, probability: 0.5, dtype: .float64, using: &rng) * 2 - 1
    return (x * signs).detached()
}

func positive(_ shape: [Int], _ seed: UInt64, _ lo: Double = 0.3, _ hi: Double = 2) -> Tensor { input(shape, seed, lo, hi) }

func runGradCases(_ cases: [GradCase], file: StaticString = #filePath, line: UInt = #line) {
    for c in cases {
        let r = c.check()
        XCTAssertTrue(r.passed, "\(c.name): \(r)", file: file, line: line)
    }
}

final class GradCheckSuiteTests: XCTestCase {
    /// Every op registered by Tensor (the built-ins) or by this test target
    /// (the custom ops of CustomOpTests.swift) is exercised by some case.
    func testEveryDifferentiableOpHasAGradientCheck() {
        OpRegistry.register(DifferentiableOp.self)
        OpRegistry.register(TestOp.self)
        var covered = Set<String>()
        for c in allGradCases { covered.formUnion(c.coveredOps) }
        let registered = OpRegistry.names(registeredBy: "Tensor").union(OpRegistry.names(registeredBy: "TensorTests"))
        XCTAssertTrue(registered.isSuperset(of: DifferentiableOp.allCases.map(\.rawValue) + TestOp.allCases.map(\.rawValue)))
        let missing = registered.subtracting(covered).sorted()
        XCTAssertEqual(missing, [], "differentiable ops without a gradient check: \(missing)")
    }

    func testCheckerCatchesAWrongPullback() {
        // y = x² with a pullback that forgets the factor 2.
        func wrongSquare(_ x: Tensor) -> Tensor {
            let y = withoutGrad { x * x }
            let x0 = x.detached()
            return Tensor.record(.multiply, y, [x]) { g, _ in [g * x0] }
        }
        let r = checkGradients(of: { wrongSquare($0[0]) }, at: [input([3, 4], 1)])
        XCTAssertFalse(r.passed, "a pullback missing a factor 2 must fail the check: \(r)")
        XCTAssertEqual(r.analytic * 2, r.numeric, accuracy: 1e-6)
    }

    func testCheckerCatchesAGradientSentToTheWrongElement() {
        // Right values, wrong place: the gradient of a slice shifted by one.
        func shifted(_ x: Tensor) -> Tensor {
            let y = withoutGrad { x * 3 }
            return Tensor.record(.multiply, y, [x]) { g, _ in
                let v = g.doubles
                return [Tensor(Array(v.suffix(from: 1)) + [v[0]], shape: g.shape) * 3]
            }
        }
        XCTAssertFalse(checkGradients(of: { shifted($0[0]) }, at: [input([5], 2)]).passed)
    }

    func testCheckerReportsTheWorstElementWithItsIndex() {
        func wrongAtOne(_ x: Tensor) -> Tensor {
            let y = withoutGrad { x * 1 }
            return Tensor.record(.multiply, y, [x]) { g, _ in
                var gx = g
                gx.setElement(at: 4, to: g.element(at: 4) + 1)   // element [1, 1] of a [3, 3]
                return [gx]
            }
        }
        let r = checkGradients(of: { wrongAtOne($0[0]) }, at: [input([3, 3], 3)])
        XCTAssertFalse(r.passed)
        XCTAssertEqual(r.worstInput, 0)
        XCTAssertEqual(r.worstIndex, [1, 1])
    }
}
