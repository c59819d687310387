import NN
import Tensor
import YT8MData

/// The references' training recipes the zoo's entries share (docs/zoo.md).
extension Recipe {
    // MARK: Frame level

    /// The starter code's recipe (train.py defaults): batch 1024, Adam 0.01,
    /// decay 0.95 every 4M examples, clip 1.0, BCE, L2-normalised frames.
    static func starter(frames: FrameSampling) -> Recipe {
        var r = Recipe(batchSize: 1024, learningRate: 0.01)
        r.frames = frames
        return r
    }

    /// WILLOW's README recipes: batch 80, Adam 2e-4, 300 frames sampled with
    /// replacement, L2-normalised frames; decay 0.8 for the gated NetVLAD/NetFV
    /// models, WILLOW's default 0.9 otherwise. (`moe_l2` 1e-6 acts on the MoE
    /// weights only and is not a global weight decay.)
    static func willow(decayRate: Double) -> Recipe {
        var r = Recipe(batchSize: 80, learningRate: 2e-4)
        r.decayRate = decayRate
        r.frames = .randomWithReplacement(count: 300)
        return r
    }

    /// Samsung's training loop (utils/training.py, configs/*.yaml): Adam,
    /// BCE with logits, global gradient-norm clipping at 10, every frame of
    /// each video, features not L2-normalised. Its ReduceLROnPlateau (halving
    /// on a stalled validation GAP) is not an exponential schedule: no decay here.
    static func samsung(batchSize: Int, learningRate: Double) -> Recipe {
        var r = Recipe(batchSize: batchSize, learningRate: learningRate)
        r.decayRate = 1
        r.clipNorm = 10
        r.transform = .none
        r.frames = .all
        return r
    }

    /// Samsung's default Adam rate 1e-3 with its common frame-level batch of
    /// 512: the recipe of the Samsung entries docs/zoo.md records none for
    /// (td-dense-sort, td-conv, linear-combinations, early-concat-lstm) and
    /// of the project's transformer-standard.
    static let samsungDefault = samsung(batchSize: 512, learningRate: 1e-3)

    /// The starter code's `LstmModel` recipe: train.py's defaults (batch 1024,
    /// decay 0.95 every 4M examples, clip 1.0, L2-normalised frames) with the
    /// learning rate 0.001 docs/model_overview.md gives for the LSTM, every
    /// frame up to 300.
    static func starterLSTM() -> Recipe {
        var r = starter(frames: .all)
        r.learningRate = 1e-3
        return r
    }

    /// miha's `Lstmbidirect` and `GRUbidirect`: docs/zoo.md records no recipe of their own; Adam at the
    /// starter LSTM's 1e-3 with miha's frame-level batch 512 and Logistic head
    /// (runme.md, docs/zoo.md), starter decay, L2-normalised frames, every frame in order.
    static func mihaLSTM() -> Recipe {
        var r = Recipe(batchSize: 512, learningRate: 1e-3)
        r.frames = .all
        return r
    }

    /// Samsung's LSTM-bi-attention configs 27/28: RMSprop (PyTorch defaults)
    /// at 1e-4, batch 256, in Samsung's loop (BCE with logits, clip 10, no
    /// decay, every frame in order, features not L2-normalised).
    static func samsungLSTMBiAttention() -> Recipe {
        var r = samsung(batchSize: 256, learningRate: 1e-4)
        r.optimizer = .rmsprop
        return r
    }

    /// WILLOW's recurrent recipes (batch 128, decay 0.9). WILLOW feeds its LSTM
    /// and GRU frames sampled with replacement (`lstm_random_sequence`) in
    /// training and evaluation alike; evaluation here reads every frame in
    /// order, so training does too (`yt8m train --frames 150` restores the
    /// reference's sampling), or the recurrence is scored on sequences unlike
    /// any it was trained on.
    static func willowRecurrent() -> Recipe {
        var r = willow(decayRate: 0.9)
        r.batchSize = 128
        r.frames = .all
        return r
    }

    // MARK: Video level

    /// The starter code's train.py: Adam 0.01, ×0.95 every 4M examples, batch 1024,
    /// clip 1.0, L2 1e-8 on the MoE weights, L2-normalised input.
    static let starterVideo: Recipe = {
        var r = Recipe(batchSize: 1024, learningRate: 0.01)
        r.weightDecay = 1e-8
        return r
    }()

    /// WILLOW's train.py defaults: Adam 0.001, ×0.9 every 4M examples, batch 1024,
    /// clip 1.0, `moe_l2` 1e-8 (the flag's default; its frame-level recipes use 1e-6).
    static let willowVideo: Recipe = {
        var r = Recipe(batchSize: 1024, learningRate: 0.001)
        r.decayRate = 0.9
        r.weightDecay = 1e-8
        return r
    }()

    /// Samsung config0's training (batch 4096, Adam 5e-3, mixup α 0.3): the
    /// ResNetLike run behind the GAP with mixup. The report gives no training
    /// configuration for its video-only, audio-only and bottleneck runs and
    /// DMRNet has no reference: they share it.
    static let resNetLike = samsungVideo(batchSize: 4096, learningRate: 5e-3, mixupAlpha: 0.3)

    /// Samsung config2 (ResNetLike over mean ⊕ std frame statistics): batch 8192, Adam 0.01, mixup α 0.3.
    static let frameStatistics = samsungVideo(batchSize: 8192, learningRate: 0.01, mixupAlpha: 0.3)

    /// The Samsung configs (configs/*.yaml): Adam, BCE with logits, no gradient
    /// clipping, features as they are. Their schedule is ReduceLROnPlateau
    /// (×0.5 when validation GAP stalls), which a staircase cannot express: no
    /// scheduled decay.
    static func samsungVideo(batchSize: Int, learningRate: Double, mixupAlpha: Double?) -> Recipe {
        var r = Recipe(batchSize: batchSize, learningRate: learningRate)
        r.decayRate = 1
        r.clipNorm = nil
        r.mixupAlpha = mixupAlpha
        r.transform = .none
        return r
    }
}

/// Settings the small configurations share.
enum SmallConfiguration {
    /// Batch-norm momentum of the small WILLOW/starter configurations. The papers'
    /// 0.001 (TF's decay 0.999) suits hundreds of thousands of steps; over a short
    /// run the running statistics keep much of their start (mean 0, variance 1):
    /// after 200 steps 13% at 0.01, against input-BN variances near 1e-3 of
    /// L2-normalised frames, so evaluation sees inputs several times too small.
    /// At 0.1 they have converged by step 50 (netvlad at lr 1e-2, 200 steps of
    /// batch 64: validation GAP 0.20 at 0.01, 0.50 at 0.1; dbof 0.25 → 0.35).
    static let batchNormMomentum = 0.1

    /// Learning rate of the small WILLOW models. WILLOW's 2e-4 is for batch 80
    /// over 300k–1M steps; in a short run the MoE head is still learning the
    /// label prior after 200 steps (netvlad: loss 0.03, GAP 0.17 at 2e-4; 0.39 at
    /// 3e-3, 0.50 at 1e-2, with the momentum above; WILLOW's recurrent models:
    /// gru 0.13 → 0.23, lstm-willow 0.15 → 0.30).
    static let willowLearningRate = 1e-2

    /// T_max of the chrono initialisation of the small recurrent models' gate
    /// biases (`chronoTimescale`): the 300 frames the readers keep of a video, the
    /// longest memory a final state can need. With PyTorch's initialisation a
    /// gated cell keeps about half its state per frame, so the gradient of the
    /// final state reaches only the last frames; on synthetic v2, whose evidence
    /// sits in a few scenes of a 200-frame video, the small lstm, qrnn and gru
    /// reached GAP 0.099, 0.127 and 0.250 at the zoo table's budget against
    /// NetVLAD's 0.347, and 0.294, 0.307 and 0.344 with chrono biases.
    static let chronoTimescale = 300

    /// The output bias of the small configurations: the training labels'
    /// frequencies. The references initialise the MoE's expert biases to 0
    /// (the gates have none), so the head starts at p ≈ 1/3 for labels whose
    /// frequency is ≈ 0.006; at lr 1e-3 the biases move ~1e-3 a step, and the
    /// small recurrent models found it faster to saturate their state (|h| →
    /// 0.98 by step 300, its spread over videos 0.0005) and use W·h as the
    /// bias, after which they ignored their input and predicted one top class
    /// for every video (lstm: validation GAP 0.141 after 300 steps of batch 64,
    /// against 0.108 for label frequencies alone). Starting at the prior keeps
    /// the state's spread at 0.3–0.4 (lstm: 0.212; gru-bidirect 0.19 → 0.48). The paper configurations keep the
    /// references' zeros: their runs are long enough to learn the prior.
    static let outputBias = OutputBiasInitialization.labelPrior
}
