import XCTest
@testable import Tensor

/// Ops defined the way a library outside Tensor defines them: a list of
/// its own, forward computed without recording, a pullback through the
/// public `Tensor.record`. Only the public API is used here.
enum TestOp: String, DifferentiablePrimitive {
    /// y = x³ with the hand-written pullback 3x²·g.
    case testCube
    /// y = 2a + 3b (b broadcast into a), with a pullback that counts the
    /// gradients it computes so a test can see which it skipped.
    case testWeightedSum
}

/// Pullback work done by `testWeightedSum`, per operand.
nonisolated(unsafe) var weightedSumGradients = [0, 0]

func testCube(_ x: Tensor) -> Tensor {
    let y = withoutGrad { x * x * x }
    let x0 = x.detached()
    return Tensor.record(TestOp.testCube, y, [x]) { g, _ in [g * 3 * x0 * x0] }
}

func testWeightedSum(_ a: Tensor, _ b: Tensor) -> Tensor {
    let y = withoutGrad { a * 2 + b * 3 }
    let sa = a.shape, sb = b.shape
    return Tensor.record(TestOp.testWeightedSum, y, [a, b]) { g, needs in
        if needs[0] { weightedSumGradients[0] += 1 }
        if needs[1] { weightedSumGradients[1] += 1 }
        return [needs[0] ? (g * 2).sumToShape(sa) : nil, needs[1] ? (g * 3).sumToShape(sb) : nil]
    }
}

let customOpGradCases: [GradCase] = [
    GradCase("custom op: cube", [input([3, 4], 801)]) { testCube($0[0]) },
    GradCase("custom op: weighted sum with broadcasting", [input([2, 3], 802), input([3], 803)]) {
        testWeightedSum($0[0], $0[1]) * $0[1]
    },
]

final class CustomOpTests: XCTestCase {
    func testCustomOpGradients() { runGradCases(customOpGradCases) }

    func testACustomOpIsRecordedUnderItsNameAndRegistered() {
        let x = Tensor([1, -2, 0.5] as [Double]).requiringGrad()
        let y = testCube(x)
        XCTAssertEqual(y.recordedOps, ["testCube"])
        XCTAssertEqual(OpRegistry.owner(of: "testCube"), "TensorTests.TestOp")
        XCTAssertTrue(OpRegistry.names.isSuperset(of: ["testCube", "testWeightedSum", "add", "matmul"]))
        y.sum().backward()
        XCTAssertEqual(x.grad!.doubles, [3, 12, 0.75])
        XCTAssertEqual(withoutGrad { testCube(x) }.recordedOps, [], "nothing is recorded with recording off")
    }

    func testACustomOpsPullbackIsToldWhichInputsNeedGradients() {
        let a = input([2, 3], 811).requiringGrad(), b = input([3], 812)
        weightedSumGradients = [0, 0]
        testWeightedSum(a, b).sum().backward()
        XCTAssertEqual(weightedSumGradients, [1, 0], "the constant operand's gradient must not be computed")
        XCTAssertEqual(a.grad!.doubles, [Double](repeating: 2, count: 6))
        weightedSumGradients = [0, 0]
        let b1 = b.requiringGrad()
        testWeightedSum(a.detached(), b1).sum().backward()
        XCTAssertEqual(weightedSumGradients, [0, 1])
        XCTAssertEqual(b1.grad!.doubles, [6, 6, 6])
    }

    /// Every built-in with two or more operands returns nil, and computes
    /// nothing, for an operand that needs no gradient.
    func testBuiltInPullbacksSkipOperandsThatNeedNoGradient() {
        let a = input([2, 3], 821).requiringGrad(), c = positive([2, 3], 822), m = input([3, 3], 823)
        let mask = a .> c
        let ops: [(String, (Tensor, Tensor) -> Tensor, Tensor)] = [
            ("add", { $0 + $1 }, c), ("subtract", { $0 - $1 }, c), ("multiply", { $0 * $1 }, c),
            ("divide", { $0 / $1 }, c), ("pow", { pow($1, $0) }, c), ("maximum", { maximum($0, $1) }, c),
            ("minimum", { minimum($0, $1) }, c), ("where", { Tensor.where(mask, $0, $1) }, c),
            ("matmul", { $0.shape == [2, 3] ? matmul($0, $1) : matmul($0, $1, transposeB: true) }, m), ("concat", { Tensor.concat([$0, $1], axis: 0) }, c),
        ]
        for (name, op, constant) in ops {
            for constantFirst in [false, true] {
                let y = constantFirst && name != "pow" ? op(constant, a) : op(a, constant)
                guard let node = y.node, let pullback = node.pullback else { return XCTFail("\(name) recorded nothing") }
                let grads = pullback(Tensor.ones(y.shape, dtype: .float64))
                let constantIndex = node.inputs.firstIndex { $0 == nil }!
                XCTAssertNil(grads[constantIndex], "\(name): gradient computed for the operand that needs none")
                XCTAssertNotNil(grads[1 - constantIndex], "\(name): no gradient for the operand that needs one")
            }
        }
    }
}
