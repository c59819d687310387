import NN
import Tensor

/// Deep bag of frames, the starter code's `DbofModel` (google/youtube-8m
/// frame_level_models.py), docs/zoo.md:
/// p = MoE(act(BN(W_h · max_{t valid} act(BN(BN_in(x_t)·W_c))))),
/// with input BN over 1152, cluster projection W_c 1152 × K (no bias, BN
/// instead), max-pooling over the valid frames, hidden W_h K × H with BN, and
/// a mixture of experts (m = 2) over the hidden vector. K = 8192, H = 1024 →
/// 37.6 M parameters.
///
/// The frame batch norms use the valid frames only (`FrameBatchNorm`),
/// and the max runs over them, so padding never changes a video's output.
/// Weights are drawn from N(0, 1/√fan-in) as in the starter; batch norms are
/// TF-slim's (ε 1e-3; `batchNormMomentum` 0.001 = decay 0.999 in the paper
/// configuration). Outputs probabilities (the MoE head). Features: the
/// hidden vector (H wide), the MoE's input.
public final class DBoFModel: ZooModelBase, ClassifierLayerModel {
    /// The zoo's `dbof` entry (``ModelZoo/entries``).
    static let zooEntry = ZooEntry.make(
        "dbof", level: .frame,
        summary: "Deep bag of frames: 8192 clusters, max-pool over frames, 1024 hidden, MoE (starter code DbofModel)",
        recipe: .starter(frames: .randomWithReplacement(count: 30)),
        small: { $0.clusterSize = 64; $0.hiddenSize = 32; $0.batchNormMomentum = SmallConfiguration.batchNormMomentum },
        build: { DBoFModel($0, numClasses: $1, rng: &$2) })

    /// Batch norm over the input features of the valid frames.
    public let inputBatchNorm: FrameBatchNorm
    /// W_c, the projection of each frame onto the K clusters (no bias).
    public let clusterWeights: Linear
    /// Batch norm over the cluster activations of the valid frames.
    public let clusterBatchNorm: FrameBatchNorm
    /// W_h, the hidden layer K → H over the max-pooled clusters (no bias).
    public let hidden: Linear
    /// Batch norm of the hidden layer.
    public let hiddenBatchNorm: BatchNorm
    /// The mixture-of-experts head over the hidden vector.
    public let classifier: MixtureOfExperts
    /// The activation after the cluster and hidden batch norms.
    public let activation: DBoFActivation

    /// Builds the model for `numClasses` classes over frames of `inputSize` features (rgb ⊕ audio), drawing its initial weights from `rng`.
    public init(_ config: Config = Config(), inputSize: Int = 1152, numClasses: Int, rng: inout RandomGenerator) {
        activation = config.activation
        let m = config.batchNormMomentum
        inputBatchNorm = FrameBatchNorm(inputSize, momentum: m)
        clusterWeights = Linear(inputSize, config.clusterSize, bias: false,
                                weightInit: .normal(std: 1 / Double(inputSize).squareRoot()), rng: &rng)
        clusterBatchNorm = FrameBatchNorm(config.clusterSize, momentum: m)
        hidden = Linear(config.clusterSize, config.hiddenSize, bias: false,
                        weightInit: .normal(std: 1 / Double(config.clusterSize).squareRoot()), rng: &rng)
        hiddenBatchNorm = BatchNorm(config.hiddenSize, epsilon: 1e-3, momentum: m)
        classifier = MixtureOfExperts(config.hiddenSize, classes: numClasses, mixtures: config.mixtures, rng: &rng)
        super.init(level: .frame, numClasses: numClasses, transform: config.transform)
    }

    /// The hidden vector act(BN(W_h·pooled)) [B, H], the MoE's input.
    public func features(_ input: ModelInput) -> Tensor {
        let x = transform.apply(input)
        let valid = frameMask(for: x.features, lengths: x.lengths, layer: "DBoFModel")
        let normalized = inputBatchNorm(x.features, mask: valid)
        let clusters = activation.apply(clusterBatchNorm(clusterWeights(normalized), mask: valid))
        let pooled = maskedMax(clusters, mask: x.sequenceMask)                   // [B, K]
        return activation.apply(hiddenBatchNorm(hidden(pooled)))
    }
}

extension DBoFModel {
    /// The model's configuration; `init()` gives the paper's values (``ZooConfiguration``).
    public struct Config: ZooConfiguration {
        /// K, the cluster layer width (`dbof_cluster_size`; the starter's 8192).
        public var clusterSize = 8192
        /// H, width of the hidden layer over the max-pooled clusters (`dbof_hidden_size`; the starter's 1024).
        public var hiddenSize = 1024
        /// The activation after both batch norms (`dbof_activation`; sigmoid, the 2018/2019 starter's).
        public var activation = DBoFActivation.sigmoid
        /// m, experts per class of the MoE head (`moe_num_mixtures`; the starter's 2).
        public var mixtures = 2
        /// Momentum of every batch norm's running statistics (TF-slim decay 0.999).
        public var batchNormMomentum = 0.001
        /// The input transform: L2-normalise each feature row (the reference's).
        public var transform = InputTransform.l2
        /// Every field at the default given above.
        public init() {}
    }
}
