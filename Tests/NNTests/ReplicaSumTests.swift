import XCTest
import Tensor
@testable import NN

/// A stand-in for `copies` replicas that all hold this process's values, so a
/// sum over them is `copies` times the values: the arithmetic of a real
/// group whose every rank trains the same batch, checkable in one process.
final class MirroredReplicas: ReplicaGroup {
    let copies: Int
    private(set) var calls = 0
    init(copies: Int) { self.copies = copies }
    func sum(_ values: inout [Double]) {
        calls += 1
        for i in values.indices { values[i] *= Double(copies) }
    }
}

/// The gradient checks of NN's replica sum and of batch normalisation synchronised through it.
let replicaSumGradCases: [GradientCheckCase] = [
    GradientCheckCase("replicaSum over 1 replica", [uniformInput([3, 4], 801)]) { replicaSum($0[0], over: MirroredReplicas(copies: 1)) },
    GradientCheckCase("replicaSum over 3 mirrored replicas", [uniformInput([5], 802)]) { replicaSum($0[0], over: MirroredReplicas(copies: 3)) },
]

func assertClose(_ a: [Double], _ b: [Double], _ tolerance: Double, file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertEqual(a.count, b.count, file: file, line: line)
    let worst = zip(a, b).map { abs($0 - $1) }.max() ?? 0
    XCTAssertLessThanOrEqual(worst, tolerance, file: file, line: line)
}

final class ReplicaSumTests: XCTestCase {
    func testReplicaSumGradients() { runGradCases(replicaSumGradCases) }

    func testReplicaSumSumsForwardAndBackwardInFloat64() {
        let group = MirroredReplicas(copies: 2)
        let x = Tensor([1.5, -2, 0.25] as [Float], shape: [3]).requiringGrad()
        let y = replicaSum(x, over: group)
        XCTAssertEqual(y.floats, [3, -4, 0.5])
        (y * Tensor([1, 2, 3] as [Float], shape: [3])).sum().backward()
        XCTAssertEqual(x.grad?.floats, [2, 4, 6])
        XCTAssertEqual(group.calls, 2)
        XCTAssertEqual(y.recordedOps, ["replicaSum"])
    }

    /// A global batch of two identical halves has the half's statistics: the
    /// synchronised layer normalises as the local one does, updates the same
    /// running statistics (unbiased over 2n values), and its gradient through
    /// the replica sums is the local layer's.
    func testSynchronisedBatchNormOverMirroredReplicasMatchesTheLocalOne() {
        for frames in [false, true] {
            let x = uniformInput(frames ? [3, 4, 5] : [6, 5], 810)
            let local = BatchNorm(5, dtype: .float64), synced = BatchNorm(5, dtype: .float64)
            synced.replicas = MirroredReplicas(copies: 2)
            let a = local(x), b = synced(x)
            assertClose(a.scalars(as: Double.self), b.scalars(as: Double.self), 1e-12)
            let n = Double(x.count / 5)
            let unbiasLocal = n / (n - 1), unbiasSynced = 2 * n / (2 * n - 1)
            for (l, s) in zip(local.runningVar.value.scalars(as: Double.self), synced.runningVar.value.scalars(as: Double.self)) {
                // r = 0.9 + 0.1·σ²·n/(n − 1): the same σ², another unbiasing factor.
                XCTAssertEqual((l - 0.9) / unbiasLocal, (s - 0.9) / unbiasSynced, accuracy: 1e-12)
            }
            checkLayerGradients(synced, input: x)
        }
    }

    func testSynchronisedFrameBatchNormUsesTheValidFramesOfEveryReplica() {
        let z = uniformInput([2, 4, 3], 820)
        let mask = frameMask(for: z, lengths: [4, 2], layer: "test")
        let local = FrameBatchNorm(3, dtype: .float64), synced = FrameBatchNorm(3, dtype: .float64)
        synced.replicas = MirroredReplicas(copies: 3)
        assertClose(local(z, mask: mask).scalars(as: Double.self), synced(z, mask: mask).scalars(as: Double.self), 1e-12)
        let result = checkGradients(of: { synced($0[0], mask: mask) }, at: [z])
        XCTAssertTrue(result.passed, "\(result)")
    }
}
