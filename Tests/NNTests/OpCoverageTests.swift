import XCTest
import Tensor
@testable import NN

/// Every family of NN's custom-op gradient checks; a new family adds its array here.
let allNNGradCases: [GradientCheckCase] = recurrentGradCases + replicaSumGradCases

/// Random float64 input with values in [lo, hi), seeded by `seed`.
func uniformInput(_ shape: [Int], _ seed: UInt64, _ lo: Double = -2, _ hi: Double = 2) -> Tensor {
    var rng = RandomGenerator(seed: seed)
    return Tensor.uniform(shape, low: lo, high: hi, dtype: .float64, using: &rng)
}

/// Runs each case and fails with its name and the checker's worst element.
func runGradCases(_ cases: [GradientCheckCase], file: StaticString = #filePath, line: UInt = #line) {
    for c in cases {
        let r = c.check()
        XCTAssertTrue(r.passed, "\(c.name): \(r)", file: file, line: line)
    }
}

final class OpCoverageTests: XCTestCase {
    /// NN's counterpart of Tensor's "every op has a gradient check": every
    /// op registered by NN is exercised by one of `allNNGradCases`.
    func testEveryNNOpHasAGradientCheck() {
        OpRegistry.register(NNOp.self)
        var covered = Set<String>()
        for c in allNNGradCases { covered.formUnion(c.coveredOps) }
        let registered = OpRegistry.names(registeredBy: "NN")
        XCTAssertEqual(registered, Set(NNOp.allCases.map(\.rawValue)))
        let missing = registered.subtracting(covered).sorted()
        XCTAssertEqual(missing, [], "NN ops without a gradient check: \(missing)")
    }

    func testNNOpsAreRecordedUnderTheirNames() {
        let gates = uniformInput([2, 3, 6], 1).requiringGrad(), cell = uniformInput([2, 2], 2)
        XCTAssertEqual(qrnnPooling(gates, initialCell: cell).recordedOps, ["qrnnPooling"])
        XCTAssertEqual(OpRegistry.owner(of: "qrnnPooling"), "NN.NNOp")
    }
}
