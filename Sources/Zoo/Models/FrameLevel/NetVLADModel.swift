import NN
import Tensor

/// Gated NetVLAD / NetRVLAD, WILLOW's `NetVLADModelLF` (Miech et al. 2017,
/// antoine77340/Youtube-8M-WILLOW frame_level_models.py), docs/zoo.md:
/// p = CG_p(MoE(CG(W·[VLAD_K(x̂_rgb), VLAD_{K/2}(x̂_audio)] + b))), x̂ = BN_in(x),
/// with VLAD the `NetVLAD` pooling (or `NetRVLAD`, `lightVLAD`, WILLOW's
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
/// WILLOW's hidden-layer rows; see `NetVLAD`). Outputs probabilities.
/// Features: CG(W·[VLAD, VLAD] + b), the MoE's input (H wide).
public final class NetVLADModel: WILLOWPoolingModel {
    /// The zoo's `netvlad`, `netrvlad` entries (``ModelZoo/entries``).
    static let zooEntries: [ZooEntry] = [
        .make("netvlad", level: .frame,
              summary: "Gated NetVLAD: 256 (rgb) + 128 (audio) clusters, 1024 hidden, context gating, gated MoE (WILLOW NetVLADModelLF)",
              recipe: .willow(decayRate: 0.8), smallLearningRate: SmallConfiguration.willowLearningRate,
              small: { $0.clusterSize = 8; $0.head.hiddenSize = 32; $0.head.batchNormMomentum = SmallConfiguration.batchNormMomentum },
              build: { NetVLADModel($0, numClasses: $1, rng: &$2) }),

        .make("netrvlad", level: .frame,
              summary: "Gated NetRVLAD: NetVLAD without cluster centres, 256 + 128 clusters (WILLOW NetVLADModelLF --lightvlad)",
              recipe: .willow(decayRate: 0.8), smallLearningRate: SmallConfiguration.willowLearningRate,
              paper: { $0.lightVLAD = true },
              small: {
                  $0.lightVLAD = true; $0.clusterSize = 8; $0.head.hiddenSize = 32; $0.head.batchNormMomentum = SmallConfiguration.batchNormMomentum
              },
              build: { NetVLADModel($0, numClasses: $1, rng: &$2) }),
    ]

    /// Builds the model for `numClasses` classes over frames of `rgbSize` rgb and `audioSize` audio features, drawing its initial weights from `rng`.
    public init(_ config: Config = Config(), rgbSize: Int = 1024, audioSize: Int = 128, numClasses: Int,
                rng: inout RandomGenerator) {
        let m = config.head.batchNormMomentum
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
        /// NetRVLAD: no `a_sum·c` residual term (`lightvlad`).
        public var lightVLAD = false
        /// The classifier over the VLAD descriptors (the recipe's: H = 1024
        /// (`netvlad_hidden_size`), a bias (`netvlad_relu` off), both gatings, m = 2).
        public var head = WILLOWClassifier.Settings()
        /// The input transform: L2-normalise each feature row (the reference's).
        public var transform = InputTransform.l2
        /// Every field at the default given above.
        public init() {}
    }
}
