@testable import Training
import XCTest
import NN
import Tensor
@testable import Zoo

/// Every zoo entry, at its small size: the parameter formula matches the
/// built model, a forward pass on real-size input (the entry's feature
/// size, 1152 unless it says otherwise; up to 300 frames of varying length)
/// gives [batch, classes], and training on a fixed batch makes the loss fall.
final class ModelZooTests: XCTestCase {
    let classes = 24

    func batch(for level: InputLevel, features: Int = 1152, size: Int, frames: Int, seed: UInt64) -> TrainingBatch {
        var rng = RandomGenerator(seed: seed)
        let labels = Tensor.bernoulli([size, classes], probability: 0.12, dtype: .float32, using: &rng)
        switch level {
        case .video:
            return TrainingBatch(input: ModelInput(features: Tensor.normal([size, features], using: &rng)), labels: labels,
                                 ids: (0..<size).map(String.init))
        case .frame:
            let lengths = (0..<size).map { i in max(1, frames - i * frames / (2 * size)) }
            var x = Tensor.normal([size, frames, features], using: &rng)
            // Zero the padding rows, as the dataset does.
            var mask = [Float](repeating: 0, count: size * frames)
            for (i, n) in lengths.enumerated() { for t in 0..<n { mask[i * frames + t] = 1 } }
            x = x * Tensor(mask, shape: [size, frames, 1])
            return TrainingBatch(input: ModelInput(features: x, lengths: lengths), labels: labels, ids: (0..<size).map(String.init))
        }
    }

    func testEveryEntryCountsItsParametersWithoutBuilding() throws {
        for entry in ModelZoo.entries {
            var rng = RandomGenerator(seed: 1)
            let model = try entry.build(size: .small, numClasses: classes, rng: &rng)
            XCTAssertEqual(try entry.parameterCount(size: .small, numClasses: classes), model.parameterCount, entry.name)
            XCTAssertEqual(model.level, entry.level, entry.name)
        }
    }

    /// Paper counts come from shape-only builds: each well under a second, none
    /// allocating its weights (NetFV's 321 M floats would take gigabytes and seconds to draw).
    func testPaperCountsAreShapeOnlyBuildsAndFast() throws {
        for entry in ModelZoo.entries {
            let start = Date()
            _ = try entry.parameterCount(size: .paper, numClasses: 3862)
            XCTAssertLessThan(Date().timeIntervalSince(start), 0.5, entry.name)
        }
        XCTAssertGreaterThan(try ModelZoo.entry(named: "netfv").parameterCount(size: .paper, numClasses: 3862), 321_000_000)
    }

    func testEveryEntryRunsARealSizeBatch() throws {
        for entry in ModelZoo.entries {
            var rng = RandomGenerator(seed: 2)
            let model = try entry.build(size: .small, numClasses: classes, rng: &rng)
            model.eval()
            let b = batch(for: entry.level, features: entry.featureSize, size: 4, frames: 300, seed: 3)
            let p = withoutGrad { model(b.input).probabilities }
            XCTAssertEqual(p.shape, [4, classes], entry.name)
            XCTAssertTrue(p.floats.allSatisfy { $0.isFinite && $0 >= 0 && $0 <= 1 }, "\(entry.name): probabilities out of [0, 1]")
        }
    }

    /// The penultimate split every model offers (for a classifier over frozen
    /// models' representations): in evaluation mode `features(x)` is
    /// [batch, featureCount] and `classify(features(x))` is `model(x)` bit for
    /// bit, in the same form (logits or probabilities).
    func testEveryEntrySplitsIntoFeaturesAndAClassifierThatReproduceTheModel() throws {
        for entry in ModelZoo.entries {
            var rng = RandomGenerator(seed: 8)
            let model = try entry.build(size: .small, numClasses: classes, rng: &rng)
            model.eval()
            let b = batch(for: entry.level, features: entry.featureSize, size: 3, frames: 40, seed: 9)
            let features = withoutGrad { model.features(b.input) }
            XCTAssertEqual(features.shape, [3, model.featureCount], entry.name)
            let split = withoutGrad { model.classify(features) }
            let whole = withoutGrad { model(b.input) }
            switch (split, whole) {
            case (.logits(let s), .logits(let w)), (.probabilities(let s), .probabilities(let w)):
                XCTAssertEqual(s.shape, [3, classes], entry.name)
                XCTAssertEqual(s.floats, w.floats, entry.name)
            default:
                XCTFail("\(entry.name): classify(features(x)) gives \(split), model(x) \(whole)")
            }
        }
    }

    /// `initializeOutputBias(toPrior:)` on every entry: for features of zero
    /// the model's probabilities are the prior, whether it outputs logits or
    /// probabilities (training mode, in which a probability gating's batch
    /// norm gives 0 for a batch of equal rows); td-dense-sort, whose one
    /// output bias is shared by every class, starts every class at the mean.
    func testEveryEntryStartsAtTheLabelPriorForZeroFeatures() throws {
        let prior = (0..<classes).map { 0.002 + 0.2 * Double($0 * $0) / Double(classes * classes) }
        let mean = prior.reduce(0, +) / Double(classes)
        for entry in ModelZoo.entries {
            var rng = RandomGenerator(seed: 12)
            let model = try entry.build(size: .small, numClasses: classes, rng: &rng)
            model.initializeOutputBias(toPrior: prior)
            model.train()
            let p = withoutGrad { model.classify(Tensor.zeros([3, model.featureCount])).probabilities }.floats
            let expected = entry.name == "td-dense-sort" ? [Double](repeating: mean, count: classes) : prior
            for (i, value) in p.enumerated() {
                XCTAssertEqual(Double(value), expected[i % classes], accuracy: 2e-6 + 1e-5 * expected[i % classes],
                               "\(entry.name): class \(i % classes)")
            }
        }
    }

    func testEveryEntryTrainsLossFalls() throws {
        for entry in ModelZoo.entries {
            var rng = RandomGenerator(seed: 4)
            let model = try entry.build(size: .small, numClasses: classes, rng: &rng)
            let b = batch(for: entry.level, features: entry.featureSize, size: 16, frames: 12, seed: 5)
            var config = entry.recipe.trainingConfig(steps: 40)
            config.learningRate = 1e-2
            config.loss = .binaryCrossEntropy
            let trainer = Trainer(model: model, config: config, directory: NSTemporaryDirectory() + "zoo-\(entry.name)")
            var losses: [Double] = []
            for _ in 0..<40 {
                trainer.optimizer.zeroGrad()
                let l = trainer.objective.loss(model(b.input), b)
                l.backward()
                trainer.optimizer.update()
                losses.append(l.scalar)
            }
            XCTAssertLessThan(losses.suffix(3).reduce(0, +) / 3, 0.8 * losses.prefix(3).reduce(0, +) / 3,
                              "\(entry.name): loss \(losses.prefix(3)) → \(losses.suffix(3))")
        }
    }

    /// Training samples frames with replacement (unordered, any count) only for
    /// models that cannot tell: evaluation reads every frame in order, so a
    /// model whose output changes when the valid frames are reversed or each
    /// repeated must also train on every frame in order, or it is evaluated on
    /// inputs unlike any it was trained on.
    func testModelsThatSeeFrameOrderOrCountTrainOnEveryFrameInOrder() throws {
        let frames = 10, lengths = [5, 3]
        var rng = RandomGenerator(seed: 6)
        let x = Tensor.normal([2, frames, 1152], using: &rng)
        func rows(_ pick: (Int) -> [Int]) -> ModelInput {
            var values = [Float](repeating: 0, count: x.count)
            let source = x.floats
            var counts: [Int] = []
            for (b, n) in lengths.enumerated() {
                let order = pick(n)
                for (t, s) in order.enumerated() {
                    for d in 0..<1152 { values[(b * frames + t) * 1152 + d] = source[(b * frames + s) * 1152 + d] }
                }
                counts.append(order.count)
            }
            return ModelInput(features: Tensor(values, shape: x.shape), lengths: counts)
        }
        let inOrder = rows { Array(0..<$0) }
        let changed = [rows { Array((0..<$0).reversed()) }, rows { (0..<$0).flatMap { [$0, $0] } }]
        var sensitive: [String] = []
        for entry in ModelZoo.entries where entry.level == .frame && entry.frameStatistics == nil {
            var rng = RandomGenerator(seed: 7)
            let model = try entry.build(size: .small, numClasses: classes, rng: &rng)
            model.eval()
            let reference = withoutGrad { model(inOrder).probabilities }.floats
            let differs = changed.contains { input in
                zip(reference, withoutGrad { model(input).probabilities }.floats).contains { abs($0 - $1) > 1e-4 }
            }
            if differs {
                sensitive.append(entry.name)
                XCTAssertEqual(entry.recipe.frames, .all, "\(entry.name) sees frame order or count but trains on sampled frames")
            }
        }
        // The check must see something: the recurrent and convolutional models do depend on order.
        XCTAssertTrue(["lstm", "td-conv", "td-dense-sort"].allSatisfy(sensitive.contains), "\(sensitive)")
    }

    func testUnknownModelsAndFieldsAreNamed() {
        XCTAssertThrowsError(try ModelZoo.entry(named: "nope")) { error in
            guard case ZooError.unknownModel("nope", _) = error else { return XCTFail("\(error)") }
        }
        var rng = RandomGenerator(seed: 0)
        XCTAssertThrowsError(try ModelZoo.entry(named: "logistic").build(size: .small, overrides: ["bogus": 1], numClasses: 3, rng: &rng)) { error in
            guard case ZooError.unknownConfigField(_, "bogus", _) = error else { return XCTFail("\(error)") }
        }
    }

    /// A mistyped name gets the closest valid one: within a third of its length in edits, case ignored.
    func testAMistypedNameSuggestsTheNearestValidOne() throws {
        let names = ModelZoo.entries.map(\.name)
        XCTAssertEqual(nearestName(to: "netvlad2", among: names), "netvlad")          // one insertion
        XCTAssertEqual(nearestName(to: "LSTM", among: names), "lstm")                 // case only
        XCTAssertEqual(nearestName(to: "resnetlike", among: names), "resnet-like")    // one deletion
        XCTAssertEqual(nearestName(to: "grubidirect", among: names), "gru-bidirect")
        XCTAssertNil(nearestName(to: "zzz", among: names))                            // nothing close
        XCTAssertNil(nearestName(to: "", among: names))
        XCTAssertEqual(nearestName(to: "hiddenSzie", among: ["hiddenSize", "clusterSize"]), "hiddenSize")   // a swap is two edits
        let error = ZooError.unknownModel("netvlad2", known: names)
        XCTAssertTrue(error.description.hasPrefix("unknown model 'netvlad2'; did you mean 'netvlad'? the zoo has: logistic, "), error.description)
        XCTAssertFalse(ZooError.unknownModel("zzz", known: names).description.contains("did you mean"))
    }
}
