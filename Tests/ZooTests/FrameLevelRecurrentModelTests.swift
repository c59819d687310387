import XCTest
import NN
import Tensor
@testable import Zoo

/// The recurrent frame-level models (docs/zoo.md): paper-size
/// parameter counts against docs/zoo.md, the layer-count formulas against built
/// layers, output kinds, which states reach the classifier, and
/// independence from padding.
final class FrameLevelRecurrentModelTests: XCTestCase {
    static let names = ["lstm", "lstm-willow", "gru", "bilstm", "gru-bidirect", "early-concat-lstm", "lstm-bi-attention", "qrnn"]

    /// Paper configurations at 3862 classes: the exact count of our models
    /// (PyTorch's two recurrent biases) and the figure docs/zoo.md gives, which
    /// counts TensorFlow's one bias for the starter, WILLOW and miha models.
    func testPaperParameterCountsMatchZOO() throws {
        let expected: [(name: String, count: Int, tensorFlowBiases: Int, zoo: Double)] = [
            ("lstm", 37_099_052, 2 * 4096, 37.1),
            ("lstm-willow", 96_419_372, 2 * 4096, 96.4),
            ("gru", 63_473_324, 2 * 3600, 63.5),
            ("bilstm", 19_179_286, 2 * 2048 + 4096, 19.2),
            ("gru-bidirect", 15_374_102, 2 * 1536 + 3072, 15.4),
            ("early-concat-lstm", 33_621_782, 0, 33.6),
            ("lstm-bi-attention", 64_898_072, 0, 64.9),
        ]
        for (name, count, extraBiases, zoo) in expected {
            let n = try ModelZoo.entry(named: name).parameterCount(size: .paper, numClasses: 3862)
            XCTAssertEqual(n, count, name)
            XCTAssertEqual((Double(n) / 1e5).rounded() / 10, zoo, name)
            XCTAssertEqual((Double(n - extraBiases) / 1e5).rounded() / 10, zoo, "\(name) with TensorFlow's biases")
        }
        // docs/zoo.md by hand: starter 4H(F+H) + 4H + 4H(2H) + 4H + MoE(1024, m = 2).
        let (f, h, c) = (1152, 1024, 3862)
        let moe1024 = 1024 * c * 3 + 1024 * c * 2 + c * 2
        XCTAssertEqual(4 * h * (f + h) + 4 * h + 4 * h * 2 * h + 4 * h + moe1024 + 2 * 4 * h,
                       try ModelZoo.entry(named: "lstm").parameterCount(size: .paper, numClasses: c))
    }

    /// The two models of docs/zoo.md added last, summed by hand from their layers.
    func testBidirectionalGRUAndLSTMBiAttentionPaperCountsByHand() throws {
        let c = 3862
        // GRUbidirect: bi-GRU(1152 → 512) 2·(3·512·(1152 + 512) + 6·512), GRU(1024 → 1024) 3·1024·2048 + 6·1024,
        // logistic (1024 + 1)·C; TensorFlow's GRUCell has 3H biases per cell instead of 6H.
        let biGRU = 2 * (3 * 512 * (1152 + 512) + 6 * 512), topGRU = 3 * 1024 * 2048 + 6 * 1024
        XCTAssertEqual(biGRU + topGRU + 1025 * c, 15_374_102)
        XCTAssertEqual(biGRU + topGRU + 1025 * c - 2 * 3 * 512 - 3 * 1024, 15_367_958)
        let entry = try ModelZoo.entry(named: "gru-bidirect")
        XCTAssertEqual(try entry.parameterCount(size: .paper, numClasses: c), 15_374_102)
        // With miha's optional context gating (no batch norm): W 1024² + b 1024.
        XCTAssertEqual(try entry.parameterCount(size: .paper, overrides: ["contextGating": true], numClasses: c),
                       15_374_102 + 1024 * 1024 + 1024)

        // EarlyConcatLSTM4: Linear(1024 → 1024), Linear(128 → 128); bi-LSTM 2·(4H·(d + H) + 8H) with
        // (d, H) = (1024, 1024) and (128, 128); attention Linear(3072 → 1), Linear(384 → 1); BN γ, β on 3456;
        // FCN 3456 → 4096 → 4096 → C.
        let projections = 1025 * 1024 + 129 * 128
        let lstms = 2 * (4 * 1024 * 2048 + 8 * 1024) + 2 * (4 * 128 * 256 + 8 * 128)
        let attention = 3073 + 385, batchNorm = 2 * 3456
        let fcn = 3457 * 4096 + 4097 * 4096 + 4097 * c
        XCTAssertEqual(projections + lstms + attention + batchNorm + fcn, 64_898_072)
        XCTAssertEqual(try ModelZoo.entry(named: "lstm-bi-attention").parameterCount(size: .paper, numClasses: c), 64_898_072)
        XCTAssertEqual(LSTMBiAttentionModel.pooledSizes(LSTMBiAttentionModel.Config()).video, 3072)
        XCTAssertEqual(LSTMBiAttentionModel.pooledSizes(LSTMBiAttentionModel.Config()).audio, 384)
    }

    /// The recipes of the two: Samsung's configs 27/28 (RMSprop 1e-4, batch 256, every frame,
    /// no input normalisation) and the biLSTM's for miha's GRUbidirect.
    func testRecipesOfTheBidirectionalGRUAndLSTMBiAttention() throws {
        let samsung = try ModelZoo.entry(named: "lstm-bi-attention").recipe
        XCTAssertEqual(samsung.optimizer, .rmsprop)
        XCTAssertEqual(samsung.learningRate, 1e-4)
        XCTAssertEqual(samsung.batchSize, 256)
        XCTAssertEqual(samsung.frames, .all)
        XCTAssertEqual(samsung.transform, .none)
        XCTAssertEqual(LSTMBiAttentionModel.Config().transform, .none)
        XCTAssertEqual(samsung.trainingConfig(steps: 10).optimizer, .rmsprop)
        let miha = try ModelZoo.entry(named: "gru-bidirect").recipe, bilstm = try ModelZoo.entry(named: "bilstm").recipe
        XCTAssertEqual(miha.optimizer, .adam)
        XCTAssertEqual([miha.learningRate, Double(miha.batchSize)], [bilstm.learningRate, Double(bilstm.batchSize)])
        XCTAssertEqual(miha.frames, .all)
        XCTAssertEqual(BidirectionalGRUModel.Config().transform, .l2)
        XCTAssertFalse(BidirectionalGRUModel.Config().contextGating)
    }

    /// The QRNN has no docs/zoo.md figure: pinned to pytorch-qrnn's per-layer
    /// window·in·3H + 3H and the MoE.
    func testQRNNPaperParameterCount() throws {
        let c = 3862
        let qrnn = 2 * 1152 * 3072 + 3072 + 2 * 1024 * 3072 + 3072
        XCTAssertEqual(try ModelZoo.entry(named: "qrnn").parameterCount(size: .paper, numClasses: c),
                       qrnn + 1024 * c * 5 + 2 * c)
        XCTAssertEqual(qrnn + 1024 * c * 5 + 2 * c, 33_156_652)
    }

    /// The count helpers agree with built layers of odd sizes.
    func testRecurrentCountFormulasMatchBuiltLayers() {
        var rng = RandomGenerator(seed: 1)
        for bidirectional in [false, true] {
            let lstm = LSTM(inputSize: 7, hiddenSize: 5, layers: 3, bidirectional: bidirectional, rng: &rng)
            XCTAssertEqual(lstm.parameterCount, lstmParameterCount(inputSize: 7, hiddenSize: 5, layers: 3, bidirectional: bidirectional))
        }
        for bidirectional in [false, true] {
            XCTAssertEqual(GRU(inputSize: 7, hiddenSize: 5, layers: 3, bidirectional: bidirectional, rng: &rng).parameterCount,
                           gruParameterCount(inputSize: 7, hiddenSize: 5, layers: 3, bidirectional: bidirectional))
        }
        for window in [1, 2] {
            XCTAssertEqual(QRNN(inputSize: 7, hiddenSize: 5, layers: 3, window: window, rng: &rng).parameterCount,
                           qrnnParameterCount(inputSize: 7, hiddenSize: 5, layers: 3, window: window))
        }
    }

    /// Paper-size overrides of the head kind count and build alike.
    func testHeadOverridesCountAsBuilt() throws {
        for (name, overrides) in [("bilstm", ["head": "moe", "bidirectionalSize": 4, "hiddenSize": 6] as [String: Any]),
                                  ("qrnn", ["head": "logistic", "window": 1]),
                                  ("gru", ["allLayerStates": false]),
                                  ("gru-bidirect", ["contextGating": true, "head": "moe"]),
                                  ("lstm-bi-attention", ["layers": 2, "batchNorm": false, "fcnSizes": [8]]),
                                  ("lstm", ["layers": 3])] {
            let entry = try ModelZoo.entry(named: name)
            var rng = RandomGenerator(seed: 2)
            let model = try entry.build(size: .small, overrides: overrides, numClasses: 5, rng: &rng)
            XCTAssertEqual(model.parameterCount, try entry.parameterCount(size: .small, overrides: overrides, numClasses: 5), name)
        }
    }

    func testMixtureOfExpertsModelsOutputProbabilitiesOthersLogits() throws {
        let probabilityModels: Set = ["lstm", "lstm-willow", "gru", "qrnn"]
        var inputs = RandomGenerator(seed: 2)
        let x = ModelInput(features: Tensor.normal([2, 4, 1152], using: &inputs) * Tensor([1, 1, 1, 1, 1, 1, 0, 0] as [Float], shape: [2, 4, 1]),
                           lengths: [4, 2])
        for name in Self.names {
            var rng = RandomGenerator(seed: 3)
            let model = try ModelZoo.entry(named: name).build(size: .small, numClasses: 5, rng: &rng)
            model.eval()
            switch withoutGrad({ model(x) }) {
            case .probabilities: XCTAssertTrue(probabilityModels.contains(name), "\(name) outputs probabilities")
            case .logits: XCTAssertFalse(probabilityModels.contains(name), "\(name) outputs logits")
            }
        }
    }

    /// The starter model's paper configuration classifies the last layer's
    /// final h (its small one, like WILLOW's, every layer's (c, h)); WILLOW's
    /// the (c, h) of every layer; the biLSTM the final c of its second LSTM.
    func testTheClassifierSeesTheReferenceStates() throws {
        var inputs = RandomGenerator(seed: 4)
        let lengths = [3, 5]
        let x = ModelInput(features: Tensor.normal([2, 5, 1152], using: &inputs), lengths: lengths)
        let frames = InputTransform.l2.apply(x).features

        var rng = RandomGenerator(seed: 5)
        let willow = try XCTUnwrap(try ModelZoo.entry(named: "lstm-willow").build(size: .small, numClasses: 5, rng: &rng) as? LSTMModel)
        willow.eval()
        withoutGrad {
            let run = willow.lstm(frames, lengths: lengths)
            let cell = run.cell!
            let state = Tensor.concat([stateSlice(cell, 0), stateSlice(run.hidden, 0), stateSlice(cell, 1), stateSlice(run.hidden, 1)], axis: 1)
            XCTAssertEqual(willow(x).probabilities.floats, willow.classifier(state).probabilities.floats)
            // The last layer's final h is its output at the last valid frame.
            XCTAssertEqual(stateSlice(run.hidden, 1).floats, lastValidFrame(run.output, lengths: lengths).floats)
        }

        rng = RandomGenerator(seed: 5)
        // The paper configuration's readout, at a test-sized state.
        let starterEntry = try ModelZoo.entry(named: "lstm")
        let starter = try XCTUnwrap(try starterEntry.build(size: .paper, overrides: ["hiddenSize": 8], numClasses: 5, rng: &rng) as? LSTMModel)
        starter.eval()
        withoutGrad {
            let h = lastValidFrame(starter.lstm(frames, lengths: lengths).output, lengths: lengths)
            XCTAssertEqual(starter(x).probabilities.floats, starter.classifier(h).probabilities.floats)
        }

        rng = RandomGenerator(seed: 6)
        let bilstm = try XCTUnwrap(try ModelZoo.entry(named: "bilstm").build(size: .small, numClasses: 5, rng: &rng) as? BidirectionalLSTMModel)
        bilstm.eval()
        withoutGrad {
            let c = bilstm.lstm(bilstm.bidirectional(frames, lengths: lengths).output, lengths: lengths).cell!
            guard case .logits(let logits) = bilstm(x) else { return XCTFail("bilstm outputs logits") }
            XCTAssertEqual(logits.floats, bilstm.classifier.logistic!(stateSlice(c, 0)).floats)
        }
    }

    /// miha's GRUbidirect classifies the second GRU's final h (gated when
    /// configured); both models expose it as `features` and classify it.
    func testBidirectionalGRUClassifiesTheFinalStateOfItsSecondGRU() throws {
        var inputs = RandomGenerator(seed: 8)
        let lengths = [3, 5]
        let x = ModelInput(features: Tensor.normal([2, 5, 1152], using: &inputs), lengths: lengths)
        let frames = InputTransform.l2.apply(x).features
        for gated in [false, true] {
            var rng = RandomGenerator(seed: 9)
            let model = try XCTUnwrap(try ModelZoo.entry(named: "gru-bidirect")
                .build(size: .small, overrides: ["contextGating": gated], numClasses: 5, rng: &rng) as? BidirectionalGRUModel)
            model.eval()
            XCTAssertEqual(model.gating != nil, gated)
            withoutGrad {
                let run = model.gru(model.bidirectional(frames, lengths: lengths).output, lengths: lengths)
                let h = lastValidFrame(run.output, lengths: lengths)
                XCTAssertEqual(stateSlice(run.hidden, 0).floats, h.floats)
                let expected = model.gating.map { $0(h) } ?? h
                let features = model.features(x)
                XCTAssertEqual(features.shape, [2, model.featureCount])
                XCTAssertEqual(model.featureCount, 128)   // the small configuration's final GRU width
                XCTAssertEqual(features.floats, expected.floats)
                guard case .logits(let logits) = model(x), case .logits(let classified) = model.classify(features) else {
                    return XCTFail("gru-bidirect outputs logits")
                }
                XCTAssertEqual(logits.floats, classified.floats)
                XCTAssertEqual(logits.floats, model.classifier.logistic!(expected).floats)
            }
        }
    }

    /// EarlyConcatLSTM4: per modality the attention pools [ReLU(W·x), h→, h←] over the real frames;
    /// the features are the last hidden FCN layer, the classifier maps them to logits.
    func testLSTMBiAttentionPoolsTheDenseConcatenationOfEachModality() throws {
        var inputs = RandomGenerator(seed: 10)
        let lengths = [4, 2]
        let x = ModelInput(features: Tensor.normal([2, 4, 1152], using: &inputs), lengths: lengths)
        var rng = RandomGenerator(seed: 11)
        let model = try XCTUnwrap(try ModelZoo.entry(named: "lstm-bi-attention").build(size: .small, numClasses: 5, rng: &rng)
            as? LSTMBiAttentionModel)
        model.eval()
        XCTAssertEqual(model.videoAttention.features, 1024 + 16)
        XCTAssertEqual(model.audioAttention.features, 128 + 8)
        XCTAssertEqual(model.featureCount, 512)   // the small configuration's last FCN layer
        withoutGrad {
            let mask = SequenceMask(lengths: lengths, time: 4)
            func pooled(_ frames: Tensor, _ projection: Linear, _ lstm: LSTM, _ attention: AttentionPooling) -> Tensor {
                let u = relu(projection(frames))
                return attention(Tensor.concat([u, lstm(u, lengths: lengths).output], axis: 2), mask: mask)
            }
            let v = Tensor.concat([pooled(x.rgb, model.videoProjection, model.videoLSTMs[0], model.videoAttention),
                                   pooled(x.audio, model.audioProjection, model.audioLSTMs[0], model.audioAttention)], axis: 1)
            var h = model.batchNorm!(v)
            for layer in model.fcnLayers { h = relu(layer(h)) }
            let features = model.features(x)
            XCTAssertEqual(features.shape, [2, model.featureCount])
            for (a, b) in zip(features.floats, h.floats) { XCTAssertEqual(a, b, accuracy: 1e-6) }
            guard case .logits(let logits) = model(x), case .logits(let classified) = model.classify(features) else {
                return XCTFail("lstm-bi-attention outputs logits")
            }
            XCTAssertEqual(logits.floats, classified.floats)
        }
        // Densely connected layers: layer i reads d + 2·H·i features.
        rng = RandomGenerator(seed: 12)
        let deep = try XCTUnwrap(try ModelZoo.entry(named: "lstm-bi-attention")
            .build(size: .small, overrides: ["layers": 2], numClasses: 5, rng: &rng) as? LSTMBiAttentionModel)
        XCTAssertEqual(deep.videoLSTMs.map(\.inputSize), [1024, 1024 + 16])
        XCTAssertEqual(deep.audioLSTMs.map(\.inputSize), [128, 128 + 8])
        XCTAssertEqual(deep.videoAttention.features, 1024 + 32)
        deep.eval()
        XCTAssertEqual(withoutGrad { deep(x).probabilities }.shape, [2, 5])
    }

    /// Two videos of 5 and 3 frames, in a batch of 5 frames (zero padding)
    /// and in a batch of 9 frames whose padding rows hold noise.
    func paddedPair() -> (short: ModelInput, long: ModelInput) {
        var rng = RandomGenerator(seed: 21)
        let lengths = [5, 3]
        let real = Tensor.normal([2, 5, 1152], using: &rng)
        var mask = [Float](repeating: 0, count: 2 * 5)
        for (b, n) in lengths.enumerated() { for t in 0..<n { mask[b * 5 + t] = 1 } }
        let short = real * Tensor(mask, shape: [2, 5, 1])
        let noise = Tensor.normal([2, 9, 1152], std: 3, using: &rng)
        var keep = [Float](repeating: 0, count: 2 * 9)
        for (b, n) in lengths.enumerated() { for t in 0..<n { keep[b * 9 + t] = 1 } }
        let keepMask = Tensor(keep, shape: [2, 9, 1])
        let long = short.padded(axis: 1, before: 0, after: 4) * keepMask + noise * (1 - keepMask)
        return (ModelInput(features: short, lengths: lengths), ModelInput(features: long, lengths: lengths))
    }

    func testPaddingFramesDoNotChangeOutputsInEvaluation() throws {
        let (short, long) = paddedPair()
        for name in Self.names {
            let entry = try ModelZoo.entry(named: name)
            var outputs: [[Float]] = []
            for input in [short, long] {
                var rng = RandomGenerator(seed: 5)
                let model = try entry.build(size: .small, numClasses: 7, rng: &rng)
                model.eval()
                outputs.append(withoutGrad { model(input).probabilities.floats })
            }
            XCTAssertEqual(outputs[0].count, 2 * 7, name)
            for (a, b) in zip(outputs[0], outputs[1]) {
                XCTAssertEqual(a, b, accuracy: 2e-5, "\(name): padding changed an output")
            }
        }
    }

    /// A video's output does not depend on the other videos of its batch
    /// or on how long they are.
    func testAVideoAloneScoresAsInABatch() throws {
        let (_, long) = paddedPair()
        let alone = ModelInput(features: long.features.sliced(axis: 0, range: 1..<2).sliced(axis: 1, range: 0..<3), lengths: [3])
        for name in Self.names {
            var rng = RandomGenerator(seed: 7)
            let model = try ModelZoo.entry(named: name).build(size: .small, numClasses: 7, rng: &rng)
            model.eval()
            let batch = withoutGrad { model(long).probabilities.floats }
            let single = withoutGrad { model(alone).probabilities.floats }
            for (a, b) in zip(batch.suffix(7), single) { XCTAssertEqual(a, b, accuracy: 2e-5, name) }
        }
    }
}

/// Parameters of an ``LSTM`` in PyTorch's layout (b_ih and b_hh), by hand:
/// Σ_k dirs·(4H·(in_k + H) + 8H), in_0 = F, in_k = dirs·H.
private func lstmParameterCount(inputSize: Int, hiddenSize h: Int, layers: Int, bidirectional: Bool = false) -> Int {
    let dirs = bidirectional ? 2 : 1
    return (0..<layers).reduce(0) { n, k in n + dirs * (4 * h * ((k == 0 ? inputSize : dirs * h) + h) + 8 * h) }
}

/// Parameters of a ``GRU`` in PyTorch's layout, by hand: Σ_k dirs·(3H·(in_k + H) + 6H).
private func gruParameterCount(inputSize: Int, hiddenSize h: Int, layers: Int, bidirectional: Bool = false) -> Int {
    let dirs = bidirectional ? 2 : 1
    return (0..<layers).reduce(0) { n, k in n + dirs * (3 * h * ((k == 0 ? inputSize : dirs * h) + h) + 6 * h) }
}

/// Parameters of a ``QRNN`` with fo-pooling, by hand: Σ_k window·in_k·3H + 3H, in_0 = F, in_k = H.
private func qrnnParameterCount(inputSize: Int, hiddenSize h: Int, layers: Int, window: Int) -> Int {
    (0..<layers).reduce(0) { n, k in n + window * (k == 0 ? inputSize : h) * 3 * h + 3 * h }
}
