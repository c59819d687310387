import NN
import Tensor

/// The starter code's recipe (train.py defaults): batch 1024, Adam 0.01,
/// decay 0.95 every 4M examples, clip 1.0, BCE, L2-normalised frames.
private func starterRecipe(frames: FrameSampling) -> Recipe {
    var r = Recipe(batchSize: 1024, learningRate: 0.01)
    r.frames = frames
    return r
}

/// WILLOW's README recipes: batch 80, Adam 2e-4, 300 frames sampled with
/// replacement, L2-normalised frames; decay 0.8 for the gated NetVLAD/NetFV
/// models, WILLOW's default 0.9 otherwise. (`moe_l2` 1e-6 acts on the MoE
/// weights only and is not a global weight decay.)
private func willowRecipe(decayRate: Double) -> Recipe {
    var r = Recipe(batchSize: 80, learningRate: 2e-4)
    r.decayRate = decayRate
    r.frames = .randomWithReplacement(count: 300)
    return r
}

/// Samsung's training loop (utils/training.py, configs/*.yaml): Adam,
/// BCE with logits, global gradient-norm clipping at 10, every frame of
/// each video, features not L2-normalised. Its ReduceLROnPlateau (halving
/// on a stalled validation GAP) is not an exponential schedule: no decay here.
private func samsungRecipe(batchSize: Int, learningRate: Double) -> Recipe {
    var r = Recipe(batchSize: batchSize, learningRate: learningRate)
    r.decayRate = 1
    r.clipNorm = 10
    r.transform = .none
    r.frames = .all
    return r
}

/// The starter code's `LstmModel` recipe: train.py's defaults (batch 1024,
/// decay 0.95 every 4M examples, clip 1.0, L2-normalised frames) with the
/// learning rate 0.001 docs/model_overview.md gives for the LSTM, every
/// frame up to 300.
private func starterLSTMRecipe() -> Recipe {
    var r = starterRecipe(frames: .all)
    r.learningRate = 1e-3
    return r
}

/// miha's `Lstmbidirect` and `GRUbidirect`: ZOO.md records no recipe of their own; Adam at the
/// starter LSTM's 1e-3 with miha's frame-level batch 512 and Logistic head
/// (runme.md, ZOO.md §3.4), starter decay, L2-normalised frames, every frame in order.
private func mihaLSTMRecipe() -> Recipe {
    var r = Recipe(batchSize: 512, learningRate: 1e-3)
    r.frames = .all
    return r
}

/// Samsung's LSTM-bi-attention configs 27/28: RMSprop (PyTorch defaults)
/// at 1e-4, batch 256, in Samsung's loop (BCE with logits, clip 10, no
/// decay, every frame in order, features not L2-normalised).
private func samsungLSTMBiAttentionRecipe() -> Recipe {
    var r = samsungRecipe(batchSize: 256, learningRate: 1e-4)
    r.optimizer = .rmsprop
    return r
}

/// WILLOW's recurrent recipes (batch 128, decay 0.9). WILLOW feeds its LSTM
/// and GRU frames sampled with replacement (`lstm_random_sequence`) in
/// training and evaluation alike; evaluation here reads every frame in
/// order, so training does too (`yt8m train --frames 150` restores the
/// reference's sampling), or the recurrence is scored on sequences unlike
/// any it was trained on.
private func willowRecurrentRecipe() -> Recipe {
    var r = willowRecipe(decayRate: 0.9)
    r.batchSize = 128
    r.frames = .all
    return r
}

/// Batch-norm momentum of the small WILLOW/starter configurations. The papers'
/// 0.001 (TF's decay 0.999) suits hundreds of thousands of steps; over a short
/// run the running statistics keep much of their start (mean 0, variance 1):
/// after 200 steps 13% at 0.01, against input-BN variances near 1e-3 of
/// L2-normalised frames, so evaluation sees inputs several times too small.
/// At 0.1 they have converged by step 50 (netvlad at lr 1e-2, 200 steps of
/// batch 64: validation GAP 0.20 at 0.01, 0.50 at 0.1; dbof 0.25 → 0.35).
private let smallBatchNormMomentum = 0.1

/// Learning rate of the small WILLOW models. WILLOW's 2e-4 is for batch 80
/// over 300k–1M steps; in a short run the MoE head is still learning the
/// label prior after 200 steps (netvlad: loss 0.03, GAP 0.17 at 2e-4; 0.39 at
/// 3e-3, 0.50 at 1e-2, with the momentum above; WILLOW's recurrent models:
/// gru 0.13 → 0.23, lstm-willow 0.15 → 0.30).
private let smallWILLOWLearningRate = 1e-2

/// The frame-level architectures of the zoo. Recipes of td-dense-sort,
/// td-conv and linear-combinations are not recorded in ZOO.md: they use
/// Samsung's default Adam rate 1e-3 and its common frame-level batch of 512,
/// as does early-concat-lstm.
let frameLevelEntries: [ZooEntry] = [
    .make("frame-logistic", level: .frame,
          summary: "Logistic regression over the mean of the valid frames (starter code FrameLevelLogisticModel)",
          recipe: starterRecipe(frames: .all),
          paper: LogisticModel.Config(), small: LogisticModel.Config(),
          build: { c, classes, rng in LogisticModel(c, level: .frame, numClasses: classes, rng: &rng) }),

    .make("dbof", level: .frame,
          summary: "Deep bag of frames: 8192 clusters, max-pool over frames, 1024 hidden, MoE (starter code DbofModel)",
          recipe: starterRecipe(frames: .randomWithReplacement(count: 30)),
          paper: DBoFModel.Config(),
          small: { var c = DBoFModel.Config(); c.clusterSize = 64; c.hiddenSize = 32; c.batchNormMomentum = smallBatchNormMomentum; return c }(),
          build: { c, classes, rng in DBoFModel(c, numClasses: classes, rng: &rng) }),

    .make("soft-dbof", level: .frame,
          summary: "Soft-DBoW: soft assignment to 8000 (rgb) + 1000 (audio) clusters summed over frames, MoE (WILLOW SoftDbofModelLF)",
          recipe: willowRecipe(decayRate: 0.9), smallLearningRate: smallWILLOWLearningRate,
          paper: SoftDBoFModel.Config(),
          small: { var c = SoftDBoFModel.Config(); c.clusterSize = 64; c.hiddenSize = 32; c.batchNormMomentum = smallBatchNormMomentum; return c }(),
          build: { c, classes, rng in SoftDBoFModel(c, numClasses: classes, rng: &rng) }),

    .make("netvlad", level: .frame,
          summary: "Gated NetVLAD: 256 (rgb) + 128 (audio) clusters, 1024 hidden, context gating, gated MoE (WILLOW NetVLADModelLF)",
          recipe: willowRecipe(decayRate: 0.8), smallLearningRate: smallWILLOWLearningRate,
          paper: NetVLADModel.Config(),
          small: { var c = NetVLADModel.Config(); c.clusterSize = 8; c.hiddenSize = 32; c.batchNormMomentum = smallBatchNormMomentum; return c }(),
          build: { c, classes, rng in NetVLADModel(c, numClasses: classes, rng: &rng) }),

    .make("netrvlad", level: .frame,
          summary: "Gated NetRVLAD: NetVLAD without cluster centres, 256 + 128 clusters (WILLOW NetVLADModelLF --lightvlad)",
          recipe: willowRecipe(decayRate: 0.8), smallLearningRate: smallWILLOWLearningRate,
          paper: { var c = NetVLADModel.Config(); c.lightVLAD = true; return c }(),
          small: {
              var c = NetVLADModel.Config()
              c.lightVLAD = true; c.clusterSize = 8; c.hiddenSize = 32; c.batchNormMomentum = smallBatchNormMomentum
              return c
          }(),
          build: { c, classes, rng in NetVLADModel(c, numClasses: classes, rng: &rng) }),

    .make("netfv", level: .frame,
          summary: "Gated NetFV: learnable Fisher vectors, 128 (rgb) + 64 (audio) clusters, 1024 hidden, gated MoE (WILLOW NetFVModelLF)",
          recipe: willowRecipe(decayRate: 0.8), smallLearningRate: smallWILLOWLearningRate,
          paper: NetFVModel.Config(),
          small: { var c = NetFVModel.Config(); c.clusterSize = 4; c.hiddenSize = 32; c.batchNormMomentum = smallBatchNormMomentum; return c }(),
          build: { c, classes, rng in NetFVModel(c, numClasses: classes, rng: &rng) }),

    .make("vlad-bow", level: .frame,
          summary: "VLAD-BOW with learnable power (4096 clusters per modality) + ResNet-like head (Samsung BoWResnetLike, config 91)",
          reportedGAP: "0.83959 (learned p = 0.628; Samsung, 5-fold)",
          recipe: samsungRecipe(batchSize: 128, learningRate: 1e-3),
          // 64 soft words of random 1024-d directions for 500 classes, and inner 32, starve the head:
          // at Adam 1e-3 200 steps only learn the label prior (GAP 0.079, below the 0.108 baseline);
          // 512 words, inner 64 at 5e-3 reach 0.19 (0.24 at 600 steps).
          smallLearningRate: 5e-3,
          paper: VLADBoWModel.Config(),
          small: { var c = VLADBoWModel.Config(); c.clusterSize = 512; c.innerSize = 64; return c }(),
          build: { c, classes, rng in VLADBoWModel(c, numClasses: classes, rng: &rng) }),

    .make("transformer", level: .frame,
          summary: "Samsung self-attention layer (1 layer, 1 head, inner 500) with position codes, mean over frames (Samsung transformer, configs 11/88)",
          reportedGAP: "0.8237 (Samsung, 5-fold; better without positional encoding)",
          recipe: samsungRecipe(batchSize: 512, learningRate: 5e-3),
          paper: TransformerModel.Config(),
          small: { var c = TransformerModel.Config(); c.innerSize = 32; return c }(),
          build: { c, classes, rng in TransformerModel(c, numClasses: classes, rng: &rng) }),

    .make("transformer-nopos", level: .frame,
          summary: "The Samsung transformer without positional encoding (1 layer, 1 head, inner 500)",
          reportedGAP: "0.8237 or better (Samsung report the variant without positional encoding as the better one)",
          recipe: samsungRecipe(batchSize: 512, learningRate: 5e-3),
          paper: { var c = TransformerModel.Config(); c.positionalEncoding = false; return c }(),
          small: { var c = TransformerModel.Config(); c.positionalEncoding = false; c.innerSize = 32; return c }(),
          build: { c, classes, rng in TransformerModel(c, numClasses: classes, rng: &rng) }),

    .make("transformer-standard", level: .frame,
          summary: "Standard transformer encoder (projection to 512, sinusoidal codes, 2 post-norm layers, 8 heads, FFN 2048), mean over frames; project configuration",
          recipe: samsungRecipe(batchSize: 512, learningRate: 1e-3),
          smallLearningRate: 3e-3,  // 200 steps of batch 64: GAP 0.17 at 1e-3, 0.22 at 3e-3, 0.21 at 5e-3
          paper: {
              var c = TransformerModel.Config()
              c.architecture = .standard; c.innerSize = 512; c.layers = 2; c.heads = 8; c.feedForwardSize = 2048; c.dropout = 0.1
              return c
          }(),
          small: {
              var c = TransformerModel.Config()
              c.architecture = .standard; c.innerSize = 32; c.layers = 1; c.heads = 4; c.feedForwardSize = 64
              return c
          }(),
          build: { c, classes, rng in TransformerModel(c, numClasses: classes, rng: &rng) }),

    .make("attention-net", level: .frame,
          summary: "Stacked attention (3 layers of 1024) + BN + FCN 4096→4096→C (Samsung AttentionModel, Model1)",
          reportedGAP: "0.85094 (Samsung, 5-fold)",
          recipe: samsungRecipe(batchSize: 150, learningRate: 1e-3),
          paper: AttentionNetModel.Config(),
          small: { var c = AttentionNetModel.Config(); c.layers = 2; c.hiddenSize = 32; c.fcnSizes = [64, 64]; return c }(),
          build: { c, classes, rng in AttentionNetModel(c, numClasses: classes, rng: &rng) }),

    .make("td-dense-maxpool", level: .frame,
          summary: "Time-distributed dense + BN + ReLU per modality, max over frames, ResNet-like head (Samsung EarlyConcatAlternate)",
          reportedGAP: "0.82656 (Samsung, 5-fold)",
          recipe: samsungRecipe(batchSize: 512, learningRate: 5e-3),
          paper: TimeDistributedMaxPoolModel.Config(),
          small: {
              // Inner 32 for 500 classes: GAP 0.23 after 200 steps of batch 64; inner 64: 0.28.
              var c = TimeDistributedMaxPoolModel.Config()
              c.videoReducedSize = 32; c.audioReducedSize = 16; c.innerSize = 64
              return c
          }(),
          build: { c, classes, rng in TimeDistributedMaxPoolModel(c, numClasses: classes, rng: &rng) }),

    .make("td-dense-sort", level: .frame,
          summary: "Per-frame ResNet-like class scores sorted over time, mixed by a network over ranks (Samsung ResNetLikeSort)",
          reportedGAP: "0.83136 (Samsung, 5-fold)",
          recipe: samsungRecipe(batchSize: 512, learningRate: 1e-3),
          paper: TimeDistributedSortModel.Config(),
          small: {
              // Dropout 0.5 over a few rank units shared by every class stalls short runs (GAP 0.016 vs 0.146 at 0.1, 200 steps).
              var c = TimeDistributedSortModel.Config(); c.innerSize = 32; c.rankHiddenSize = 64; c.dropout = 0.1; return c
          }(),
          build: { c, classes, rng in TimeDistributedSortModel(c, numClasses: classes, rng: &rng) }),

    .make("td-conv", level: .frame,
          summary: "Time-distributed convolutions with LeakyReLU, BN and max-pools per modality, then over the concatenation (Samsung FrameConv, bugs fixed)",
          reportedGAP: "0.84144 (Samsung, 5-fold)",
          recipe: samsungRecipe(batchSize: 512, learningRate: 1e-3),
          paper: FrameConvModel.Config(),
          small: {
              var c = FrameConvModel.Config()
              c.videoChannels = [32, 32]; c.audioChannels = [8, 8]; c.concatChannels = [32, 64]
              return c
          }(),
          build: { c, classes, rng in FrameConvModel(c, numClasses: classes, rng: &rng) }),

    .make("linear-combinations", level: .frame,
          summary: "3 learned linear combinations of 303 frames per modality + ResNet-like head (Samsung LinearCombinations)",
          reportedGAP: "0.85325 (Samsung, 5-fold, with 5 combinations)",
          recipe: samsungRecipe(batchSize: 512, learningRate: 1e-3),
          // At Adam 1e-3 the logits spend 200 steps reaching the label prior (loss 0.69 → 0.076, GAP 0.076);
          // the per-position frame weights start with random signs, so a video's content enters with a
          // length-dependent sign until they agree. 1e-2 and inner 64: GAP 0.22.
          smallLearningRate: 1e-2,
          paper: LinearCombinationsModel.Config(),
          small: { var c = LinearCombinationsModel.Config(); c.innerSize = 64; c.dropout = 0.1; return c }(),
          build: { c, classes, rng in LinearCombinationsModel(c, numClasses: classes, rng: &rng) }),

    .make("lstm", level: .frame,
          summary: "2 × LSTM(1024, forget bias 1) over the valid frames, last layer's final h, MoE (starter code LstmModel)",
          recipe: starterLSTMRecipe(),
          paper: LSTMModel.Config(),
          small: { var c = LSTMModel.Config(); c.hiddenSize = 16; return c }(),
          build: { c, classes, rng in LSTMModel(c, numClasses: classes, rng: &rng) }),

    .make("lstm-willow", level: .frame,
          summary: "2 × LSTM(1024), final (c, h) of both layers (4096) → MoE (WILLOW LstmModel, state_is_tuple=False)",
          recipe: willowRecurrentRecipe(), smallLearningRate: smallWILLOWLearningRate,
          paper: { var c = LSTMModel.Config(); c.stateFeatures = .allLayersCellAndHidden; return c }(),
          small: { var c = LSTMModel.Config(); c.stateFeatures = .allLayersCellAndHidden; c.hiddenSize = 16; return c }(),
          build: { c, classes, rng in LSTMModel(c, numClasses: classes, rng: &rng) }),

    .make("gru", level: .frame,
          summary: "2 × GRU(1200), final states of both layers (2400) → MoE (WILLOW GruModel)",
          recipe: willowRecurrentRecipe(), smallLearningRate: smallWILLOWLearningRate,
          paper: GRUModel.Config(),
          small: { var c = GRUModel.Config(); c.hiddenSize = 16; return c }(),
          build: { c, classes, rng in GRUModel(c, numClasses: classes, rng: &rng) }),

    .make("bilstm", level: .frame,
          summary: "Bidirectional LSTM 2 × 512 → LSTM(1024) → final cell state → logistic (miha Lstmbidirect)",
          recipe: mihaLSTMRecipe(),
          // Its features are one final cell state: 16 units for 500 classes left GAP at 0.104 (1e-3);
          // 32 per direction and 64, at 1e-2: 0.22.
          smallLearningRate: 1e-2,
          paper: BidirectionalLSTMModel.Config(),
          small: { var c = BidirectionalLSTMModel.Config(); c.bidirectionalSize = 32; c.hiddenSize = 64; return c }(),
          build: { c, classes, rng in BidirectionalLSTMModel(c, numClasses: classes, rng: &rng) }),

    .make("gru-bidirect", level: .frame,
          summary: "Bidirectional GRU 2 × 512 → GRU(1024) → final h (→ optional context gating) → logistic (miha GRUbidirect)",
          recipe: mihaLSTMRecipe(),
          // As bilstm: one final state is the classifier's input; 16 units at 1e-3 left
          // GAP at 0.094 after 400 steps of batch 64, below the label-frequency baseline.
          smallLearningRate: 1e-2,
          paper: BidirectionalGRUModel.Config(),
          small: { var c = BidirectionalGRUModel.Config(); c.bidirectionalSize = 32; c.hiddenSize = 64; return c }(),
          build: { c, classes, rng in BidirectionalGRUModel(c, numClasses: classes, rng: &rng) }),

    .make("early-concat-lstm", level: .frame,
          summary: "2 × LSTM(1024) on rgb ⊕ audio frames, final (h, c) of both layers (4096) → FCN 2048 → C (Samsung EarlyConcatLSTM)",
          reportedGAP: "0.82998 (Samsung, 5-fold)",
          recipe: samsungRecipe(batchSize: 512, learningRate: 1e-3),
          smallLearningRate: 3e-3,  // 200 steps of batch 64: GAP 0.16 at 1e-3, 0.20 at 3e-3, 0.19 at 1e-2
          paper: EarlyConcatLSTMModel.Config(),
          small: { var c = EarlyConcatLSTMModel.Config(); c.hiddenSize = 16; c.fcnSizes = [32]; return c }(),
          build: { c, classes, rng in EarlyConcatLSTMModel(c, numClasses: classes, rng: &rng) }),

    .make("lstm-bi-attention", level: .frame,
          summary: "Per modality Linear + ReLU → bi-LSTM (1024/128 per direction) with input ⊕ outputs → attention pooling; BN → FCN 4096 → 4096 → C (Samsung EarlyConcatLSTM4)",
          reportedGAP: "0.84645 (Samsung, 5-fold)",
          recipe: samsungLSTMBiAttentionRecipe(),
          smallLearningRate: 1e-3,  // 400 steps of batch 64: GAP 0.187 at the paper's 1e-4, 0.410 at 1e-3
          paper: LSTMBiAttentionModel.Config(),
          small: {
              var c = LSTMBiAttentionModel.Config()
              c.videoHiddenSize = 8; c.audioHiddenSize = 4; c.fcnSizes = [32, 32]
              return c
          }(),
          build: { c, classes, rng in LSTMBiAttentionModel(c, numClasses: classes, rng: &rng) }),

    .make("qrnn", level: .frame,
          summary: "2-layer QRNN(1024, window 2) over the frames, last valid h → MoE; project configuration (layers of salesforce/pytorch-qrnn)",
          reportedGAP: "0.718 (HKUST 2018 report, configuration not published; Hit@1 0.792, PERR 0.671)",
          recipe: starterLSTMRecipe(),
          paper: QRNNModel.Config(),
          small: { var c = QRNNModel.Config(); c.hiddenSize = 16; return c }(),
          build: { c, classes, rng in QRNNModel(c, numClasses: classes, rng: &rng) }),
]
