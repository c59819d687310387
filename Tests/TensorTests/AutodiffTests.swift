import XCTest
@testable import Tensor

final class AutodiffTests: XCTestCase {
    func testBackwardFillsLeafGradients() {
        let x = Tensor([1, 2, 3] as [Double]).requiringGrad()
        let y = (x * x).sum()           // dy/dx = 2x
        y.backward()
        XCTAssertEqual(x.grad?.doubles, [2, 4, 6])
    }

    func testGradientsAccumulateAcrossBackwardCallsUntilZeroed() {
        let x = Tensor([1, 2] as [Double]).requiringGrad()
        (x * 3).sum().backward()
        (x * 3).sum().backward()
        XCTAssertEqual(x.grad?.doubles, [6, 6])
        x.zeroGrad()
        XCTAssertNil(x.grad)
    }

    func testFanOutAccumulates() {
        let x = Tensor([2] as [Double]).requiringGrad()
        let a = x * 3, b = x * x
        (a + b).sum().backward()        // 3 + 2x = 7
        XCTAssertEqual(x.grad?.doubles, [7])
    }

    func testBroadcastGradientReducesToInputShape() {
        let w = Tensor([1, 1, 1] as [Double]).requiringGrad()
        let x = Tensor((0..<6).map(Double.init), shape: [2, 3])
        (x * w).sum().backward()
        XCTAssertEqual(w.grad?.doubles, [3, 5, 7])
    }

    func testFunctionalGradientLeavesGradUntouched() {
        let x = Tensor([1, 2] as [Double]).requiringGrad()
        let g = gradient(of: { ($0 * $0 * $0).sum() }, wrt: x)
        XCTAssertEqual(g.doubles, [3, 12])
        XCTAssertNil(x.grad)
    }

    func testExplicitSeedGradient() {
        let x = Tensor([1, 2, 3] as [Double]).requiringGrad()
        (x * 2).backward(Tensor([1, 0, -1] as [Double]))
        XCTAssertEqual(x.grad?.doubles, [2, 0, -2])
    }

    func testNoGradScopeAndDetachStopRecording() {
        let x = Tensor([1] as [Double]).requiringGrad()
        XCTAssertFalse(withoutGrad { x * 2 }.requiresGrad)
        XCTAssertFalse((x.detached() * 2).requiresGrad)
        XCTAssertTrue((x * 2).requiresGrad)
        XCTAssertFalse(GradMode.isDisabled)
    }

    func testGraphIsFreedAfterBackward() {
        let x = Tensor([1] as [Double]).requiringGrad()
        let y = exp(x * 2).sum()
        y.backward()
        // The pullbacks are released: the graph no longer holds its intermediates.
        var n = y.node
        var released = true
        while let node = n, !node.isLeaf { released = released && node.pullback == nil; n = node.inputs.first ?? nil }
        XCTAssertTrue(released)
    }

    func testRetainGraphAllowsASecondBackward() {
        let x = Tensor([3] as [Double]).requiringGrad()
        let y = (x * x).sum()
        y.backward(retainGraph: true)
        y.backward()
        XCTAssertEqual(x.grad?.doubles, [12])
    }

    func testLongChainDoesNotOverflowTheStack() {
        var x = Tensor([1] as [Double]).requiringGrad()
        let leaf = x
        for _ in 0..<20_000 { x = x * 1.0001 }
        x.sum().backward()
        XCTAssertEqual(leaf.grad!.scalar, pow(1.0001, 20_000), accuracy: 1e-6)
    }

    func testScalarExtractionDoesNotKeepTheGraph() {
        let x = Tensor([1, 2] as [Double]).requiringGrad()
        var total = 0.0
        for _ in 0..<3 { total += (x * 2).sum().scalar }
        XCTAssertEqual(total, 18)
    }
}
