import NN
import Tensor

/// The starter code's MoeModel (google/youtube-8m video_level_models.py),
/// with WILLOW's context gating of the output probabilities
/// (antoine77340/Youtube-8M-WILLOW `moe_prob_gating`; docs/zoo.md, §3.3):
/// per class c, p_c = Σ_{j<m} softmax(W_g·x)_{c,j} · σ(W_e·x + b_e)_{c,j}
/// over m experts and a dummy (m+1)-th expert that always says 0; gated,
/// p ← p ⊙ σ(BN(W_p·p)) with W_p C × C and no bias.
///
/// The head outputs **probabilities** (a mixture of sigmoids has no logit
/// form), so the model returns `.probabilities` and trains with the starter
/// code's BCE on probabilities (ε = 1e-5). The reference's L2 penalty on
/// the MoE weights (starter 1e-8, WILLOW recipes 1e-6) is the recipe's
/// weight decay. Input: the 1152-d video vector, L2-normalised by default
/// as in the starter's train.py (§1.4).
///
/// Trainable parameters: in·C·(m+1) + (in + 1)·C·m (+ C² + 2C gated):
/// 22.25 M at m = 2, 40.1 M at m = 4 on 1152-d input with 3862 classes;
/// the probability gating adds 14.9 M.
public final class MoeModel: ZooModelBase, ClassifierLayerModel {
    /// The zoo's `moe`, `moe-gated` entries (``ModelZoo/entries``).
    static let zooEntries: [ZooEntry] = [
        .make("moe", level: .video,
              summary: "Mixture of 2 experts per class over mean_rgb ⊕ mean_audio (starter code MoeModel)",
              recipe: .starterVideo,
              build: { MoeModel($0, numClasses: $1, rng: &$2) }),

        .make("moe-gated", level: .video,
              summary: "Mixture of 2 experts with context gating of the probabilities (WILLOW MoeModel, moe_prob_gating)",
              recipe: .willowVideo,
              // The small configuration's batch-norm momentum lets the running statistics
              // settle within a short run (see `SmallConfiguration.batchNormMomentum`).
              paper: { $0.probabilityGating = true }, small: { $0.probabilityGating = true; $0.batchNormMomentum = SmallConfiguration.batchNormMomentum },
              build: { MoeModel($0, numClasses: $1, rng: &$2) }),
    ]

    /// The mixture of experts (with probability gating when on).
    public let head: MixtureOfExperts

    /// Builds the model for `numClasses` classes, drawing its initial weights from `rng`.
    public init(_ config: Config = Config(), numClasses: Int, rng: inout RandomGenerator) {
        head = MixtureOfExperts(config.inputSize, classes: numClasses, mixtures: config.mixtures,
                                probabilityGating: config.probabilityGating,
                                probabilityGatingBatchNormMomentum: config.batchNormMomentum, rng: &rng)
        super.init(level: .video, numClasses: numClasses, transform: config.transform)
    }

    /// The mixture of experts, the model's classifier.
    public var classifier: MixtureOfExperts { head }

    /// The transformed video vector [B, inputSize], the MoE's input.
    public func features(_ input: ModelInput) -> Tensor {
        precondition(input.features.rank == 2 && input.featureSize == head.inFeatures,
                     "MoeModel: input \(input.features.shape) is not [batch, \(head.inFeatures)]")
        return transform.apply(input).features
    }
}

extension MoeModel {
    /// The model's configuration; `init()` gives the paper's values (``ZooConfiguration``).
    public struct Config: ZooConfiguration {
        /// Features per video (mean_rgb ⊕ mean_audio: 1152).
        public var inputSize = 1152
        /// Experts per class m (starter flag `moe_num_mixtures`; its 2).
        public var mixtures = 2
        /// Context gating of the output probabilities (WILLOW `moe_prob_gating`; off in the starter, on in `moe-gated`).
        public var probabilityGating = false
        /// Momentum of the probability gating's batch norm (TF-slim's decay 0.999).
        public var batchNormMomentum = 0.001
        /// The input transform: L2-normalise the video vector (the starter's train.py).
        public var transform = InputTransform.l2
        /// Every field at the default given above.
        public init() {}
    }
}
