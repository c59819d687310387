import NN
import Tensor

/// Gated NetVLAD / NetRVLAD, WILLOW's `NetVLADModelLF` (Miech et al. 2017,
/// antoine77340/Youtube-8M-WILLOW frame_level_models.py), docs/zoo.md:
/// p = CG_p(MoE(CG(W·[VLAD_K(x̂_rgb), VLAD_{K/2}(x̂_audio)] + b))), x̂ = BN_in(x),
/// with VLAD the ``NetVLAD`` pooling (or ``NetRVLAD``, `lightVLAD`, WILLOW's
/// `--lightvlad`: no centre term), input batch norm once over the 1152
/// features before the split, the hidden layer with bias only (the recipes'
/// `netvlad_relu=False`), context gating (`--gating`), MoE (m = 2) and
/// context gating of the probabilities (`--moe_prob_gating`).
/// K = 256, H = 1024 → 321.5 M (NetVLAD), 321.2 M (NetRVLAD); the hidden
/// layer alone is 285 M (docs/zoo.md).
///
/// Padding frames get no assignment and the batch norms use valid frames
/// only, so a video's output is independent of its batch's padding. The
/// VLAD descriptors are flattened cluster-major (a fixed permutation of
/// WILLOW's hidden-layer rows; see ``NetVLAD``). Outputs probabilities.
/// Features: CG(W·[VLAD, VLAD] + b), the MoE's input (H wide).
public final class NetVLADModel: WILLOWPoolingModel {
    /// The zoo's `netvlad`, `netrvlad` entries (``ModelZoo/entries``).
    static let zooEntries: [ZooEntry] = [
        .make("netvlad", level: .frame,
              summary: "Gated NetVLAD: 256 (rgb) + 128 (audio) clusters, 1024 hidden, context gating, gated MoE (WILLOW NetVLADModelLF)",
              recipe: .willow(decayRate: 0.8), smallLearningRate: SmallConfiguration.willowLearningRate,
              small: { $0.clusterSize = 8; $0.hiddenSize = 32; $0.batchNormMomentum = SmallConfiguration.batchNormMomentum },
              build: { NetVLADModel($0, numClasses: $1, rng: &$2) }),

        .make("netrvlad", level: .frame,
              summary: "Gated NetRVLAD: NetVLAD without cluster centres, 256 + 128 clusters (WILLOW NetVLADModelLF --lightvlad)",
              recipe: .willow(decayRate: 0.8), smallLearningRate: SmallConfiguration.willowLearningRate,
              paper: { $0.lightVLAD = true },
              small: {
                  $0.lightVLAD = true; $0.clusterSize = 8; $0.hiddenSize = 32; $0.batchNormMomentum = SmallConfiguration.batchNormMomentum
              },
              build: { NetVLADModel($0, numClasses: $1, rng: &$2) }),
    ]

    /// Builds the model for `numClasses` classes over frames of `rgbSize` rgb and `audioSize` audio features, drawing its initial weights from `rng`.
    public init(_ config: Config = Config(), rgbSize: Int = 1024, audioSize: Int = 128, numClasses: Int,
                rng: inout RandomGenerator) {
        let m = config.batchNormMomentum
        super.init(config, rgbSize: rgbSize, audioSize: audioSize, audioClusterDivisor: 2, numClasses: numClasses,
                   rng: &rng) { d, k, rng in
            if config.lightVLAD { return NetRVLAD(featureSize: d, clusters: k, batchNormMomentum: m, rng: &rng) }
            return NetVLAD(featureSize: d, clusters: k, batchNormMomentum: m, rng: &rng)
        }
    }
}

extension NetVLADModel {
    /// The model's configuration; `init()` gives the paper's values (``ZooConfiguration``).
    public struct Config: WILLOWPoolingConfig {
        /// K, clusters of the rgb stream; the audio stream gets K/2 (`netvlad_cluster_size`; the recipe's 256).
        public var clusterSize = 256
        /// H, width of the hidden layer over the VLAD descriptors (`netvlad_hidden_size`; the recipe's 1024).
        public var hiddenSize = 1024
        /// NetRVLAD: no `a_sum·c` residual term (`lightvlad`).
        public var lightVLAD = false
        /// BN + relu6 after the hidden layer instead of a bias (`netvlad_relu`).
        public var hiddenBatchNormReLU6 = false
        /// Context gating after the hidden layer (`gating`; on in the recipe).
        public var gating = true
        /// Context gating of the MoE probabilities (`moe_prob_gating`; on in the recipe).
        public var probabilityGating = true
        /// m, experts per class of the MoE head (`moe_num_mixtures`; the recipe's 2).
        public var mixtures = 2
        /// Momentum of every batch norm's running statistics (TF-slim decay 0.999).
        public var batchNormMomentum = 0.001
        /// The input transform: L2-normalise each feature row (the reference's).
        public var transform = InputTransform.l2
        public init() {}
    }
}
