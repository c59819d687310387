@testable import YT8MData
import Foundation
import XCTest
import NN
import Tensor
@testable import Zoo

/// The video-level zoo models beyond the generic every-entry test: paper
/// parameter counts against docs/zoo.md, the composition of each network, and the
/// frame-statistics feature layout on worked values.
final class VideoLevelModelTests: XCTestCase {
    let classes = 3862

    func paperCount(_ name: String, _ overrides: [String: Any]? = nil) throws -> Int {
        try ModelZoo.entry(named: name).parameterCount(size: .paper, overrides: overrides, numClasses: classes)
    }

    /// Millions rounded as docs/zoo.md prints them.
    func millions(_ n: Int, digits: Int) -> Double {
        let scale = pow(10.0, Double(digits))
        return (Double(n) / 1e6 * scale).rounded() / scale
    }

    func maxDifference(_ a: Tensor, _ b: Tensor) -> Float {
        XCTAssertEqual(a.shape, b.shape)
        return zip(a.floats, b.floats).map { abs($0 - $1) }.max() ?? 0
    }

    // MARK: Parameter counts (BN γ, β counted; running statistics not)

    func testMixtureOfExpertsCountsMatchZooMd() throws {
        // §3.2: 1152·C·3 gates + 1153·C·2 experts = 22.25 M; m = 4: 40.1 M.
        XCTAssertEqual(try paperCount("moe"), 22_252_844)
        XCTAssertEqual(millions(try paperCount("moe"), digits: 2), 22.25)
        XCTAssertEqual(try paperCount("moe", ["mixtures": 4]), 40_056_664)
        XCTAssertEqual(millions(try paperCount("moe", ["mixtures": 4]), digits: 1), 40.1)
        // §3.3: probability gating C² + 2C = 14.9 M on top.
        let gating = try paperCount("moe-gated") - paperCount("moe")
        XCTAssertEqual(gating, 3862 * 3862 + 2 * 3862)
        XCTAssertEqual(millions(gating, digits: 1), 14.9)
        XCTAssertEqual(try paperCount("moe-gated"), 37_175_612)
    }

    func testResNetLikeCountsMatchZooMd() throws {
        // §3.13: defaults 52.3 M; config0 (av 4, concat 4, dropout 0.4) 153.0 M.
        XCTAssertEqual(try paperCount("resnet-like"), 52_260_630)
        XCTAssertEqual(millions(try paperCount("resnet-like"), digits: 1), 52.3)
        let config0: [String: Any] = ["avIdentityBlocks": 4, "concatIdentityBlocks": 4, "dropout": 0.4]
        XCTAssertEqual(try paperCount("resnet-like", config0), 153_003_798)
        XCTAssertEqual(millions(try paperCount("resnet-like", config0), digits: 1), 153.0)
    }

    func testCountsOfTheVariantsFromTheirLayerShapes() throws {
        func fc(_ i: Int, _ o: Int) -> Int { (i + 1) * o + 2 * o }
        func identity(_ outer: Int, _ inner: Int) -> Int { fc(outer, inner) + (inner + 1) * outer }
        let c = classes
        // One branch 4096 wide (video_part 1, audio_part 0 of 2·2048), then the shared trunk.
        let trunk = identity(4096, 2048) + fc(4096, 2048) + 2049 * c
        XCTAssertEqual(try paperCount("resnet-like-video-only"), fc(1024, 4096) + identity(4096, 4096) + trunk)
        XCTAssertEqual(try paperCount("resnet-like-audio-only"), fc(128, 4096) + identity(4096, 4096) + trunk)
        XCTAssertEqual(try paperCount("resnet-like-video-only"), 70_872_854)
        XCTAssertEqual(try paperCount("resnet-like-audio-only"), 67_202_838)
        // The bottleneck: the last FCBlock is 4 wide, the classifier reads 4 features.
        XCTAssertEqual(try paperCount("bottleneck"),
                       try paperCount("resnet-like") - fc(4096, 2048) - 2049 * c + fc(4096, 4) + 5 * c)
        XCTAssertEqual(try paperCount("bottleneck"), 35_988_346)
        // DMRNet: two projections, 2 blocks of two branches, Linear(4096 → C).
        let branch = fc(2048, 2048) + 2049 * 2048
        XCTAssertEqual(try paperCount("dmrnet"), fc(1024, 2048) + fc(128, 2048) + 2 * 2 * branch + 4097 * c)
        XCTAssertEqual(try paperCount("dmrnet"), 51_781_398)
        // Frame statistics: config2's network over 6·1024 rgb and 6·128 + 1 audio features.
        let fs = fc(6144, 2048) + 3 * identity(2048, 2048) + fc(769, 2048) + 3 * identity(2048, 2048)
            + 3 * identity(4096, 2048) + fc(4096, 2048) + 2049 * c
        XCTAssertEqual(try paperCount("frame-statistics"), fs)
        XCTAssertEqual(try paperCount("frame-statistics"), 131_221_270)
    }

    func testBuiltModelsMatchTheirFormulasBeyondTheSmallPresets() throws {
        let cases: [(String, [String: Any])] = [
            ("resnet-like", ["innerSize": 16, "lastHiddenSize": 8, "videoPart": 3, "audioPart": 1, "contextGating": true,
                             "avIdentityBlocks": 2, "concatIdentityBlocks": 0]),
            ("moe", ["mixtures": 3, "probabilityGating": true]),
            ("dmrnet", ["innerSize": 8, "blocks": 3]),
            ("frame-statistics", ["innerSize": 8, "avIdentityBlocks": 0, "concatIdentityBlocks": 2]),
        ]
        for (name, overrides) in cases {
            let entry = try ModelZoo.entry(named: name)
            var rng = RandomGenerator(seed: 7)
            let model = try entry.build(size: .small, overrides: overrides, numClasses: 5, rng: &rng)
            XCTAssertEqual(try entry.parameterCount(size: .small, overrides: overrides, numClasses: 5), model.parameterCount, name)
        }
    }

    func testRecipesFollowTheReferences() throws {
        let moe = try ModelZoo.entry(named: "moe").recipe
        XCTAssertEqual([moe.batchSize, moe.decayExamples], [1024, 4_000_000])
        XCTAssertEqual([moe.learningRate, moe.decayRate, moe.weightDecay, moe.clipNorm], [0.01, 0.95, 1e-8, 1.0])
        XCTAssertEqual(moe.transform, .l2)
        XCTAssertNil(moe.mixupAlpha)
        let gated = try ModelZoo.entry(named: "moe-gated").recipe
        XCTAssertEqual([gated.learningRate, gated.decayRate], [0.001, 0.9])
        XCTAssertEqual(gated.transform, .l2)
        for name in ["resnet-like", "resnet-like-video-only", "resnet-like-audio-only", "bottleneck", "dmrnet"] {
            let r = try ModelZoo.entry(named: name).recipe
            XCTAssertEqual(r.batchSize, 4096, name)
            XCTAssertEqual([r.learningRate, r.mixupAlpha, r.decayRate], [5e-3, 0.3, 1], name)
            XCTAssertNil(r.clipNorm, name)
            XCTAssertEqual(r.transform, .none, name)
            XCTAssertEqual(r.loss, .binaryCrossEntropy, name)
        }
        let fs = try ModelZoo.entry(named: "frame-statistics").recipe
        XCTAssertEqual(fs.batchSize, 8192)
        XCTAssertEqual([fs.learningRate, fs.mixupAlpha], [0.01, 0.3])
        XCTAssertEqual(fs.transform, .none)
        // The models' own transforms agree with their recipes.
        for entry in ModelZoo.entries where entry.level == .video {
            let config = try entry.configuration(size: .paper)
            XCTAssertTrue(config.contains("\"transform\":\"\(entry.recipe.transform.rawValue)\""), "\(entry.name): \(config)")
        }
    }

    // MARK: Composition

    func testMoeReturnsTheHeadsProbabilitiesOfTheL2NormalisedInput() {
        var rng = RandomGenerator(seed: 11)
        let model = MoeModel(numClasses: 6, rng: &rng)
        model.eval()
        let x = Tensor.normal([3, 1152], using: &rng)
        let output = withoutGrad { model(ModelInput(features: x)) }
        guard case .probabilities(let p) = output else { return XCTFail("MoE must output probabilities, got \(output)") }
        let expected = withoutGrad { model.head(l2Normalize(x, axis: -1)) }
        XCTAssertLessThan(maxDifference(p, expected), 1e-6)
    }

    /// A narrow ResNet-like network (inner 8, last hidden 6) with output gating.
    private func gatedResNetLike(avIdentityBlocks: Int = 1, numClasses: Int, rng: inout RandomGenerator) -> ResNetLikeModel {
        var config = ResNetLikeModel.Config()
        config.innerSize = 8
        config.lastHiddenSize = 6
        config.contextGating = true
        config.avIdentityBlocks = avIdentityBlocks
        return ResNetLikeModel(config, numClasses: numClasses, rng: &rng)
    }

    func testResNetLikeConcatenatesAudioThenVideoAndGatesTheLogits() {
        var rng = RandomGenerator(seed: 12)
        let model = gatedResNetLike(avIdentityBlocks: 2, numClasses: 5, rng: &rng)
        model.eval()
        let x = Tensor.normal([4, 1152], using: &rng)
        let output = withoutGrad { model(ModelInput(features: x)) }
        guard case .logits(let logits) = output else { return XCTFail("ResNetLike must output logits") }
        let expected: Tensor = withoutGrad {
            let audio = model.audioBlocks.reduce(x.sliced(axis: 1, range: 1024..<1152)) { $1($0) }
            let video = model.videoBlocks.reduce(x.sliced(axis: 1, range: 0..<1024)) { $1($0) }
            var h = Tensor.concat([audio, video], axis: 1)
            for block in model.concatBlocks { h = block(h) }
            let l = model.classifier(model.lastBlock(h))
            return l * sigmoid(model.outputGate!(l))
        }
        XCTAssertEqual(model.audioBlocks.count, 3)
        XCTAssertEqual(model.videoBlocks.count, 3)
        XCTAssertLessThan(maxDifference(logits, expected), 1e-5)
    }

    /// With output gating the logits b start at 2·logit(q) and the gate's bias
    /// at −W_g·b, so the gate is σ(0) = 1/2 and the gated logits are logit(q).
    func testResNetLikeWithOutputGatingStartsAtTheLabelPrior() {
        var rng = RandomGenerator(seed: 13)
        let model = gatedResNetLike(numClasses: 4, rng: &rng)
        let prior = [0.3, 0.01, 0.002, 0.1]
        model.initializeOutputBias(toPrior: prior)
        let b = prior.map { 2 * Foundation.log($0 / (1 - $0)) }
        XCTAssertEqual(model.classifier.bias!.value.floats, b.map { Float($0) })
        let gate = withoutGrad { sigmoid(model.outputGate!(Tensor(b.map { Float($0) }, shape: [1, 4]))) }.floats
        for g in gate { XCTAssertEqual(g, 0.5, accuracy: 1e-5) }
        let p = withoutGrad { model.classify(Tensor.zeros([2, 6])).probabilities }.floats
        for (i, value) in p.enumerated() { XCTAssertEqual(Double(value), prior[i % 4], accuracy: 1e-5 * prior[i % 4] + 1e-7) }
    }

    func testSingleModalityModelsIgnoreTheOtherModality() throws {
        for (name, keep) in [("resnet-like-video-only", 0..<1024), ("resnet-like-audio-only", 1024..<1152)] {
            var rng = RandomGenerator(seed: 13)
            let model = try ModelZoo.entry(named: name).build(size: .small, numClasses: 5, rng: &rng)
            model.eval()
            let x = Tensor.normal([3, 1152], using: &rng)
            // Replace every feature outside `keep` with other values.
            var changed = x.floats
            for i in 0..<3 { for j in 0..<1152 where !keep.contains(j) { changed[i * 1152 + j] += 5 } }
            let a = withoutGrad { model(ModelInput(features: x)).probabilities }
            let b = withoutGrad { model(ModelInput(features: Tensor(changed, shape: [3, 1152]))).probabilities }
            XCTAssertEqual(a.floats, b.floats, name)
            // …and the kept modality matters.
            var kept = x.floats
            for i in 0..<3 { for j in keep { kept[i * 1152 + j] += 1 } }
            let c = withoutGrad { model(ModelInput(features: Tensor(kept, shape: [3, 1152]))).probabilities }
            XCTAssertGreaterThan(maxDifference(a, c), 1e-4, name)
        }
    }

    func testBottleneckSqueezesThroughFourNeurons() throws {
        var rng = RandomGenerator(seed: 14)
        let model = try ModelZoo.entry(named: "bottleneck").build(size: .paper, overrides: ["innerSize": 16],
                                                                  numClasses: 7, rng: &rng)
        let resnet = try XCTUnwrap(model as? ResNetLikeModel)
        XCTAssertEqual(resnet.lastBlock.outFeatures, 4)
        XCTAssertEqual(resnet.classifier.inFeatures, 4)
    }

    func testDMRNetMergesAndRunsTheTwoStreams() {
        var rng = RandomGenerator(seed: 15)
        var config = DMRNetModel.Config()
        config.innerSize = 6
        config.blocks = 1
        let model = DMRNetModel(config, numClasses: 4, rng: &rng)
        model.eval()
        // Silence the branches' output layers: H ≡ 0, so both streams become m = (v + a)/2.
        for branch in [model.blocks[0].branchA, model.blocks[0].branchB] {
            branch.output.weight.assign(Tensor.zeros(branch.output.weight.shape))
            branch.output.bias!.assign(Tensor.zeros(branch.output.bias!.shape))
        }
        let x = Tensor.normal([3, 1152], using: &rng)
        let output = withoutGrad { model(ModelInput(features: x)) }
        guard case .logits(let logits) = output else { return XCTFail("DMRNet must output logits") }
        let expected: Tensor = withoutGrad {
            let v = model.videoProjection(x.sliced(axis: 1, range: 0..<1024))
            let a = model.audioProjection(x.sliced(axis: 1, range: 1024..<1152))
            let m = (v + a) * 0.5
            return model.classifier(Tensor.concat([m, m], axis: 1))
        }
        XCTAssertLessThan(maxDifference(logits, expected), 1e-5)
        // With the branches back, the streams differ and so do the logits.
        var rng2 = RandomGenerator(seed: 15)
        let fresh = DMRNetModel(config, numClasses: 4, rng: &rng2)
        fresh.eval()
        let freshLogits = withoutGrad { fresh(ModelInput(features: x)).probabilities }
        XCTAssertGreaterThan(maxDifference(freshLogits, sigmoid(logits)), 1e-4)
    }

    // MARK: Frame statistics

    func testFrameStatisticsLayoutRegroupsTheDatasetsColumnsByModality() {
        XCTAssertEqual(FrameStatisticsLayout.featureSize, 6 * 1152 + 1)
        XCTAssertEqual(try ModelZoo.entry(named: "frame-statistics").featureSize, 6913)
        XCTAssertEqual(try ModelZoo.entry(named: "frame-statistics").recordLevel, .frame)
        XCTAssertEqual(try ModelZoo.entry(named: "resnet-like").featureSize, 1152)
        // rgb 2 + audio 1: dataset blocks [m0 m1 ma | s0 s1 sa | … 6 blocks] then n; the model
        // reads [m0 m1 s0 s1 … | ma sa … | n].
        let columns = FrameStatisticsLayout.modelColumns(rgbSize: 2, audioSize: 1)
        XCTAssertEqual(columns, [0, 1, 3, 4, 6, 7, 9, 10, 12, 13, 15, 16, 2, 5, 8, 11, 14, 17, 18])
    }

    func testFrameStatisticsModelReadsTheDatasetsStatistics() throws {
        var rng = RandomGenerator(seed: 16)
        let model = try ModelZoo.entry(named: "frame-statistics").build(size: .small, numClasses: 5, rng: &rng)
        model.eval()
        // Two videos of quantized frames through the dataset's own computation.
        let format = YT8MRecordFormat.yt8m2018
        var rows: [Float] = []
        for v in 0..<2 {
            let n = 3 + v
            let rgb = (0..<(n * 1024)).map { UInt8(($0 * 7 + v) % 256) }, audio = (0..<(n * 128)).map { UInt8(($0 * 3 + v) % 256) }
            rows += FrameStatistics.compute(FrameStatisticsLayout.statistics, frames: [rgb, audio], format: format, frameCount: n)
        }
        let features = Tensor(rows, shape: [2, 6913])
        let p = withoutGrad { model(ModelInput(features: features)).probabilities }
        XCTAssertEqual(p.shape, [2, 5])
        XCTAssertTrue(p.floats.allSatisfy { $0.isFinite && $0 > 0 && $0 < 1 })
        XCTAssertEqual(rows[6912], 3)                      // the dataset stores the raw frame count
    }
}
