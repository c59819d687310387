import XCTest
import Foundation
import NN
import Tensor
@testable import Zoo

/// The small configurations train for a few hundred steps (tests, the demo,
/// `scripts/zoo_synthetic_table.sh`); the paper configurations and recipes
/// stay the references'. What is adjusted for the small size must not leak
/// into the paper size.
final class SmallConfigurationTests: XCTestCase {
    private func json(_ recipe: Recipe) throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: JSONEncoder().encode(recipe)) as? [String: Any] ?? [:]
    }

    func testSmallRecipesDifferOnlyInTheirRateAndOutputBias() throws {
        for entry in ModelZoo.entries {
            let paper = entry.recipe(for: .paper), small = entry.recipe(for: .small)
            XCTAssertEqual(paper.learningRate, entry.recipe.learningRate, entry.name)
            XCTAssertEqual(small.learningRate, entry.smallLearningRate ?? entry.recipe.learningRate, entry.name)
            // The paper configurations keep the references' initialisation; the small ones start at the label prior.
            XCTAssertEqual(paper.outputBias, .asBuilt, entry.name)
            XCTAssertEqual(small.outputBias, .labelPrior, entry.name)
            var same = small
            same.learningRate = entry.recipe.learningRate
            same.outputBias = entry.recipe.outputBias
            XCTAssertEqual(NSDictionary(dictionary: try json(same)), NSDictionary(dictionary: try json(entry.recipe)),
                           "\(entry.name): the small recipe differs from the paper's in more than the learning rate and output bias")
            XCTAssertEqual(NSDictionary(dictionary: try json(paper)), NSDictionary(dictionary: try json(entry.recipe)), entry.name)
        }
    }

    func testPaperRecipesKeepTheReferenceLearningRates() throws {
        let reference: [String: Double] = [
            "soft-dbof": 2e-4, "netvlad": 2e-4, "netrvlad": 2e-4, "netfv": 2e-4, "gru": 2e-4, "lstm-willow": 2e-4,
            "dbof": 0.01, "vlad-bow": 1e-3, "linear-combinations": 1e-3, "bilstm": 1e-3, "gru-bidirect": 1e-3, "lstm": 1e-3,
            "lstm-bi-attention": 1e-4,
        ]
        for (name, rate) in reference {
            let entry = try ModelZoo.entry(named: name)
            XCTAssertEqual(entry.recipe.learningRate, rate, name)
            XCTAssertEqual(entry.recipe(for: .paper).learningRate, rate, name)
        }
    }

    /// Batch-norm running statistics start at mean 0, variance 1; at the
    /// papers' momentum 0.001 (TF decay 0.999) a 200-step run still evaluates
    /// with 82% of that start, and L2-normalised frames have per-feature
    /// variances near 1e-3. Every batch norm of a small model must have
    /// forgotten its start (below 1%) within 100 steps.
    func testSmallModelsBatchNormStatisticsSettleWithinAShortRun() throws {
        for entry in ModelZoo.entries {
            var rng = RandomGenerator(seed: 3)
            let model = try entry.build(size: .small, numClasses: 24, rng: &rng)
            for (name, module) in model.namedModules() {
                let momentum: Double
                if let bn = module as? BatchNorm { momentum = bn.momentum }
                else if let bn = module as? FrameBatchNorm { momentum = bn.momentum }
                else { continue }
                XCTAssertLessThan(pow(1 - momentum, 100), 0.01, "\(entry.name).\(name): momentum \(momentum)")
            }
        }
    }

    /// A model's `batchNormMomentum` is the momentum of every batch norm it
    /// has, the context gating of the MoE probabilities included.
    func testBatchNormMomentumReachesEveryBatchNormOfTheModel() throws {
        for name in ["dbof", "soft-dbof", "netvlad", "netrvlad", "netfv", "moe-gated"] {
            var rng = RandomGenerator(seed: 5)
            let model = try ModelZoo.entry(named: name).build(size: .small, overrides: ["batchNormMomentum": 0.25],
                                                              numClasses: 12, rng: &rng)
            var seen = 0
            for (path, module) in model.namedModules() {
                if let bn = module as? BatchNorm { XCTAssertEqual(bn.momentum, 0.25, "\(name).\(path)"); seen += 1 }
                if let bn = module as? FrameBatchNorm { XCTAssertEqual(bn.momentum, 0.25, "\(name).\(path)"); seen += 1 }
            }
            XCTAssertGreaterThan(seen, 0, name)
        }
    }

    func testPaperConfigurationsKeepTheReferenceBatchNormMomentum() throws {
        for name in ["dbof", "soft-dbof", "netvlad", "netrvlad", "netfv", "moe-gated"] {
            let config = try ModelZoo.entry(named: name).configuration(size: .paper)
            XCTAssertTrue(config.contains("\"batchNormMomentum\":0.001"), "\(name): \(config)")
        }
    }

    /// The memory 1/(1 − keep gate) in frames each unit of every recurrent layer of `model` starts with.
    private func initialMemories(_ model: any ZooModel) -> [Double] {
        func sigmoid(_ x: Double) -> Double { 1 / (1 + exp(-x)) }
        var memories: [Double] = []
        for (_, module) in model.namedModules() {
            if let lstm = module as? LSTM {
                let h = lstm.hiddenSize
                for w in lstm.weights.joined() {
                    let ih = w.biasIH!.value.doubles, hh = w.biasHH!.value.doubles
                    memories += (h..<(2 * h)).map { 1 / (1 - sigmoid(ih[$0] + hh[$0] + lstm.forgetBias)) }
                }
            } else if let gru = module as? GRU {
                let h = gru.hiddenSize
                for w in gru.weights.joined() {
                    let ih = w.biasIH!.value.doubles, hh = w.biasHH!.value.doubles
                    memories += (h..<(2 * h)).map { 1 / (1 - sigmoid(ih[$0] + hh[$0])) }
                }
            } else if let layer = module as? QRNNLayer {
                let b = layer.linear.bias!.value.doubles, h = layer.hiddenSize
                memories += (h..<(2 * h)).map { 1 / sigmoid(b[$0]) }      // keeps 1 − f of c
            }
        }
        return memories
    }

    /// The small recurrent models whose final state is read start with chrono
    /// gate biases, memories spread up to the readers' 300 frames; the paper
    /// configurations keep PyTorch's, a memory of 2 to 4 frames per unit (with the forget bias).
    func testSmallRecurrentModelsStartWithMemoriesUpToTheReadersFrames() throws {
        for name in ["lstm", "lstm-willow", "gru", "qrnn", "bilstm", "gru-bidirect", "early-concat-lstm"] {
            let entry = try ModelZoo.entry(named: name)
            var rng = RandomGenerator(seed: 4)
            let memories = initialMemories(try entry.build(size: .small, numClasses: 10, rng: &rng))
            XCTAssertFalse(memories.isEmpty, name)
            XCTAssertTrue(memories.allSatisfy { $0 >= 2 - 1e-6 && $0 <= 300 + 1e-6 }, "\(name): \(memories.min()!)…\(memories.max()!)")
            XCTAssertGreaterThan(memories.max()!, 250, name)
            XCTAssertLessThan(memories.min()!, 10, name)
            XCTAssertTrue(try entry.configuration(size: .paper).contains("\"chronoTimescale\":0"), name)
            let asBuilt = initialMemories(try entry.build(size: .small, overrides: ["chronoTimescale": 0], numClasses: 10, rng: &rng))
            XCTAssertLessThan(asBuilt.max()!, 5, "\(name) without chrono")
        }
    }
}
