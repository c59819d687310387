import XCTest
import Tensor
@testable import NN

final class Block: Module {
    let fc: Linear
    let norm: BatchNorm
    init(rng: inout RandomGenerator) {
        fc = Linear(3, 3, rng: &rng)
        norm = BatchNorm(3)
    }
}

final class Net: Module {
    let stem: Linear
    let blocks: [Block]
    let head: Linear?
    let missingHead: Linear? = nil
    init(rng: inout RandomGenerator) {
        stem = Linear(2, 3, rng: &rng)
        blocks = [Block(rng: &rng), Block(rng: &rng)]
        head = Linear(3, 1, bias: false, rng: &rng)
    }
}

final class ModuleTests: XCTestCase {
    func testParametersAreNamedByPathLikeAPyTorchStateDict() {
        var rng = RandomGenerator(seed: 0)
        let net = Net(rng: &rng)
        XCTAssertEqual(net.namedParameters().map(\.name), [
            "stem.weight", "stem.bias",
            "blocks.0.fc.weight", "blocks.0.fc.bias", "blocks.0.norm.weight", "blocks.0.norm.bias",
            "blocks.1.fc.weight", "blocks.1.fc.bias", "blocks.1.norm.weight", "blocks.1.norm.bias",
            "head.weight",
        ])
        XCTAssertEqual(net.namedBuffers().map(\.name), [
            "blocks.0.norm.running_mean", "blocks.0.norm.running_var", "blocks.0.norm.num_batches_tracked",
            "blocks.1.norm.running_mean", "blocks.1.norm.running_var", "blocks.1.norm.num_batches_tracked",
        ])
        // 2·3 + 3 + 2 × (9 + 3 + 3 + 3) + 3
        XCTAssertEqual(net.parameterCount, 48)
    }

    func testReflectedStructureIsCachedUntilTheModuleSaysItChanged() {
        final class Growing: Module {
            let first: Linear
            var extra: [Linear] = []
            init(rng: inout RandomGenerator) { first = Linear(2, 2, rng: &rng) }
        }
        var rng = RandomGenerator(seed: 0)
        let net = Growing(rng: &rng)
        let names = net.namedParameters().map(\.name)
        XCTAssertEqual(names, ["first.weight", "first.bias"])
        XCTAssertTrue(net.namedParameters().map(\.parameter).elementsEqual(net.parameters, by: ===))
        net.extra.append(Linear(2, 1, bias: false, rng: &rng))
        XCTAssertEqual(net.namedParameters().map(\.name), names, "the structure is read once")
        net.structureDidChange()
        XCTAssertEqual(net.namedParameters().map(\.name), ["first.weight", "first.bias", "extra.0.weight"])
    }

    func testTrainAndEvalReachEverySubmodule() {
        var rng = RandomGenerator(seed: 0)
        let net = Net(rng: &rng)
        net.eval()
        XCTAssertTrue(net.namedModules().allSatisfy { !$0.module.isTraining })
        net.train()
        XCTAssertTrue(net.blocks[1].norm.isTraining)
    }

    func testFrozenParametersGetNoGradientAndNoUpdate() {
        var rng = RandomGenerator(seed: 0)
        let model = Sequential(Linear(2, 2, rng: &rng), Linear(2, 1, rng: &rng))
        (model.layers[0] as Module).freeze()
        let frozenBefore = model.parameters[0].value.floats
        let adam = Adam(model, learningRate: 0.1)
        let loss = model(Tensor([1, 2] as [Float], shape: [1, 2])).sum()
        loss.backward()
        XCTAssertNil(model.parameters[0].grad)
        XCTAssertNotNil(model.parameters[2].grad)
        adam.update()
        XCTAssertEqual(model.parameters[0].value.floats, frozenBefore)
    }

    func testOrthogonalInitialiserGivesOrthonormalRowsOrColumns() {
        var rng = RandomGenerator(seed: 3)
        for shape in [[4, 6], [6, 4], [5, 5]] {
            let w = Initializer.orthogonal().make(shape, dtype: .float64, using: &rng)
            let small = min(shape[0], shape[1])
            let gram = shape[0] <= shape[1] ? matmul(w, w, transposeB: true) : matmul(w, w, transposeA: true)
            let eye = Tensor.identity(small, dtype: .float64)
            XCTAssertLessThan(max(abs(gram - eye)).scalar, 1e-12, "shape \(shape)")
        }
    }

    func testGlorotUniformStaysWithinItsBound() {
        var rng = RandomGenerator(seed: 4)
        let w = Initializer.glorotUniform().make([200, 300], using: &rng)
        let bound = (6.0 / 500).squareRoot()
        XCTAssertLessThanOrEqual(max(abs(w)).scalar, bound)
        XCTAssertGreaterThan(max(abs(w)).scalar, 0.95 * bound)
    }
}

final class SummaryTests: XCTestCase {
    func testSummaryListsLayersWithOutputShapesAndParameters() {
        var rng = RandomGenerator(seed: 0)
        let model = Sequential(Linear(4, 8, rng: &rng), Function.relu, BatchNorm(8), Linear(8, 2, rng: &rng))
        let x = Tensor.zeros([3, 4])
        let text = model.summary { _ = model(x) }
        let lines = text.split(separator: "\n").map { $0.replacingOccurrences(of: #"\s+"#, with: " ", options: .regularExpression) }
        XCTAssertEqual(Array(lines[2...6]), [
            "(Sequential) [3, 2] 74",
            " 0 (Linear) [3, 8] 40",
            " 1 (Function) [3, 8] 0",
            " 2 (BatchNorm) [3, 8] 16",
            " 3 (Linear) [3, 2] 18",
        ])
        XCTAssertTrue(text.contains("Total params: 74 (0.00 MB)"))
        XCTAssertTrue(text.contains("Trainable params: 74"))
    }
}
