import XCTest
import NN
import Tensor

/// Shape-only builds (``Tensor/withShapeOnlyStorage(_:)``,
/// ``Module/parameterCount(building:)``): counts equal those of real builds,
/// and nothing is allocated, initialised or drawn.
final class ShapeOnlyBuildTests: XCTestCase {
    func testCountsMatchRealBuilds() {
        var rng = RandomGenerator(seed: 3)
        let real = MixtureOfExperts(12, classes: 5, mixtures: 3, probabilityGating: true, rng: &rng)
        XCTAssertEqual(Module.parameterCount { var r = RandomGenerator(seed: 3); return MixtureOfExperts(12, classes: 5, mixtures: 3, probabilityGating: true, rng: &r) },
                       real.parameterCount)
        let lstm = LSTM(inputSize: 7, hiddenSize: 5, layers: 2, bidirectional: true, recurrentInit: .orthogonal(), rng: &rng)
        XCTAssertEqual(Module.parameterCount { var r = RandomGenerator(seed: 3); return LSTM(inputSize: 7, hiddenSize: 5, layers: 2, bidirectional: true, recurrentInit: .orthogonal(), rng: &r) },
                       lstm.parameterCount)
    }

    /// A 40 GB layer counts at once: its weight is only mapped, never filled.
    func testNothingIsAllocatedOrDrawn() {
        var rng = RandomGenerator(seed: 4)
        let before = rng
        let start = Date()
        let n = Module.parameterCount { Linear(100_000, 100_000, rng: &rng) }
        XCTAssertEqual(n, 100_000 * 100_000 + 100_000)
        XCTAssertLessThan(Date().timeIntervalSince(start), 1)
        XCTAssertEqual(rng.next(), { var r = before; return r.next() }(), "a shape-only build draws nothing")
        let t = Tensor.withShapeOnlyStorage { Tensor.normal([3, 4], using: &rng) }
        XCTAssertTrue(t.isShapeOnly)
        XCTAssertEqual(t.shape, [3, 4])
        XCTAssertFalse(Tensor.isShapeOnlyStorageActive)
        XCTAssertFalse(Tensor.zeros([2]).isShapeOnly)
    }
}

/// The parameters of the layer `build` makes, from a shape-only build
/// (the count of the layer's own construction; nothing is allocated).
func shapeOnlyCount(_ build: (inout RandomGenerator) -> Module) -> Int {
    Module.parameterCount {
        var rng = RandomGenerator(seed: 0)
        return build(&rng)
    }
}
