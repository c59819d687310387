import NN
import Tensor

/// Gated NetFV, WILLOW's `NetFVModelLF` (Miech et al. 2017,
/// antoine77340/Youtube-8M-WILLOW frame_level_models.py), docs/zoo.md:
/// p = CG_p(MoE(CG(W·[FV_K(x̂_rgb), FV_{K/2}(x̂_audio)] + b))), x̂ = BN_in(x),
/// with FV the learnable Fisher vector `NetFV` ([fv1, fv2], 2·K·D per
/// stream), centres not coupled to the assignment weights (the recipe's
/// `fv_couple_weights=False`), the hidden layer with bias only
/// (`fv_relu=False`), context gating, MoE (m = 2) and probability gating.
/// K = 128, H = 1024 → 321.4 M.
///
/// WILLOW L2-normalises fv2 twice (a no-op; once here). Padding handled as
/// in ``NetVLADModel``. Outputs probabilities. Features: the MoE's input
/// CG(W·[FV, FV] + b) (H wide).
public final class NetFVModel: WILLOWPoolingModel {
    /// The zoo's `netfv` entry (``ModelZoo/entries``).
    static let zooEntry = ZooEntry.make(
        "netfv", level: .frame,
        summary: "Gated NetFV: learnable Fisher vectors, 128 (rgb) + 64 (audio) clusters, 1024 hidden, gated MoE (WILLOW NetFVModelLF)",
        recipe: .willow(decayRate: 0.8), smallLearningRate: SmallConfiguration.willowLearningRate,
        small: { $0.clusterSize = 4; $0.head.hiddenSize = 32; $0.head.batchNormMomentum = SmallConfiguration.batchNormMomentum },
        build: { NetFVModel($0, numClasses: $1, rng: &$2) })

    /// Builds the model for `numClasses` classes over frames of `rgbSize` rgb and `audioSize` audio features, drawing its initial weights from `rng`.
    public init(_ config: Config = Config(), rgbSize: Int = 1024, audioSize: Int = 128, numClasses: Int,
                rng: inout RandomGenerator) {
        super.init(config, rgbSize: rgbSize, audioSize: audioSize, audioClusterDivisor: 2, numClasses: numClasses,
                   rng: &rng) { d, k, rng in
            NetFV(featureSize: d, clusters: k, coupledCentres: config.coupledCentres,
                  batchNormMomentum: config.head.batchNormMomentum, rng: &rng)
        }
    }
}

extension NetFVModel {
    /// The model's configuration; `init()` gives the paper's values (``ZooConfiguration``).
    public struct Config: WILLOWPoolingConfig {
        /// K, clusters of the rgb stream; the audio stream gets K/2 (`fv_cluster_size`; the recipe's 128).
        public var clusterSize = 128
        /// Centres = 0.01·assignment weights (`fv_couple_weights`).
        public var coupledCentres = false
        /// The classifier over the Fisher vectors (the recipe's: H = 1024 (`fv_hidden_size`,
        /// whose flag default is 2048), a bias (`fv_relu` off), both gatings, m = 2).
        public var head = WILLOWClassifier.Settings()
        /// The input transform: L2-normalise each feature row (the reference's).
        public var transform = InputTransform.l2
        /// Every field at the default given above.
        public init() {}
    }
}
