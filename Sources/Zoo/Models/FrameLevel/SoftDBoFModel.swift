import NN
import Tensor

/// Soft deep bag of words, WILLOW's `SoftDbofModelLF` (Miech et al. 2017,
/// antoine77340/Youtube-8M-WILLOW frame_level_models.py), docs/zoo.md:
/// p = MoE(W·[L2(Σ_t softmax(BN(x̂_t·W_v))), L2(Σ_t softmax(BN(x̂_t·W_a)))] + b), x̂ = BN_in(x),
/// with K clusters for rgb and K/8 for audio (`SoftDBoF`), the hidden
/// layer with bias only (`dbof_relu=False`), and MoE (m = 2); the recipe
/// uses neither context gating nor probability gating (both options).
/// K = 8000, H = 1024 → 37.3 M.
///
/// Padding frames get no assignment and the batch norms use valid frames
/// only. Outputs probabilities. Features: the MoE's input, the hidden
/// vector W·[…] + b (H wide; after context gating when `gating`).
public final class SoftDBoFModel: WILLOWPoolingModel {
    /// The zoo's `soft-dbof` entry (``ModelZoo/entries``).
    static let zooEntry = ZooEntry.make(
        "soft-dbof", level: .frame,
        summary: "Soft-DBoW: soft assignment to 8000 (rgb) + 1000 (audio) clusters summed over frames, MoE (WILLOW SoftDbofModelLF)",
        recipe: .willow(decayRate: 0.9), smallLearningRate: SmallConfiguration.willowLearningRate,
        small: { $0.clusterSize = 64; $0.head.hiddenSize = 32; $0.head.batchNormMomentum = SmallConfiguration.batchNormMomentum },
        build: { SoftDBoFModel($0, numClasses: $1, rng: &$2) })

    /// Builds the model for `numClasses` classes over frames of `rgbSize` rgb and `audioSize` audio features, drawing its initial weights from `rng`.
    public init(_ config: Config = Config(), rgbSize: Int = 1024, audioSize: Int = 128, numClasses: Int,
                rng: inout RandomGenerator) {
        super.init(config, rgbSize: rgbSize, audioSize: audioSize, audioClusterDivisor: 8, numClasses: numClasses,
                   rng: &rng) { d, k, rng in
            SoftDBoF(featureSize: d, clusters: k, maxPool: config.maxPool, batchNormMomentum: config.head.batchNormMomentum,
                     rng: &rng)
        }
    }
}

extension SoftDBoFModel {
    /// The model's configuration; `init()` gives the paper's values (``ZooConfiguration``).
    public struct Config: WILLOWPoolingConfig {
        /// K, clusters of the rgb stream; the audio stream gets K/8 (`dbof_cluster_size`; the recipe's 8000).
        public var clusterSize = 8000
        /// Also concatenate the L2-normalised max-pool of the assignments (`softdbof_maxpool`).
        public var maxPool = false
        /// The classifier over the pooled assignments (the recipe's: H = 1024
        /// (`dbof_hidden_size`), a bias (`dbof_relu` off), no gating, m = 2).
        public var head = WILLOWClassifier.Settings(gating: false, probabilityGating: false)
        /// The input transform: L2-normalise each feature row (the reference's).
        public var transform = InputTransform.l2
        /// Every field at the default given above.
        public init() {}
    }
}
