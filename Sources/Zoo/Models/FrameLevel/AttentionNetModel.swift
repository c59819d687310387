import NN
import Tensor

/// Stacked attention "AttentionNet", Samsung 2018's `AttentionModel`
/// (Model1; twoleggedeye/youtube8m sequence_models/models.py), docs/zoo.md:
/// logits = FCN(BN(mean_{t valid} X_L)), X_{i+1} = [X_i, Σ_t softmax_t(a_i(V_i))_t·V_{i,t}], V_i = ReLU(W_i·X_i + b_i),
/// with `StackedAttentionPooling` (L layers of width H) and the FCN
/// Linear(1152 + L·H → 4096) → Dropout → ReLU → Linear(4096 → 4096) →
/// Dropout → ReLU → Linear(4096 → C). Model1: L = 3, H = 1024, dropout 0
/// → 56.6 M; Model2 is dropout 0.3, Model3 L = 5, H = 512 (overrides).
///
/// The softmax and the mean run over each video's valid frames (the
/// reference includes zero padding frames in both). The batch norm is
/// PyTorch's `BatchNorm1d` over videos. Outputs logits. Features: the FCN's
/// last hidden activation (4096 wide), before its Linear → C.
public final class AttentionNetModel: ZooModelBase, SamsungFCNModel {
    /// The zoo's `attention-net` entry (``ModelZoo/entries``).
    static let zooEntry = ZooEntry.make(
        "attention-net", level: .frame,
        summary: "Stacked attention (3 layers of 1024) + BN + FCN 4096→4096→C (Samsung AttentionModel, Model1)",
        reportedGAP: "0.85094 (Samsung, 5-fold)",
        recipe: .samsung(batchSize: 150, learningRate: 1e-3),
        small: { $0.layers = 2; $0.hiddenSize = 32; $0.fcnSizes = [64, 64] },
        build: { AttentionNetModel($0, numClasses: $1, rng: &$2) })

    /// The stacked attention layers over the frames (L layers of width H).
    public let pooling: StackedAttentionPooling
    /// Batch norm over the pooled vector before the FCN, when `Config.batchNorm`.
    public let batchNorm: BatchNorm?
    /// The FCN's hidden Linear layers, one per `fcnSizes` entry.
    public let fcnLayers: [Linear]
    /// The dropout after each hidden FCN layer.
    public let dropouts: [Dropout]
    /// The final Linear → C, the features' classifier.
    public let classifier: Linear

    /// Builds the model for `numClasses` classes over frames of `inputSize` features (rgb ⊕ audio), drawing its initial weights from `rng`.
    public init(_ config: Config = Config(), inputSize: Int = 1152, numClasses: Int, rng: inout RandomGenerator) {
        pooling = StackedAttentionPooling(inputSize: inputSize, hiddenSize: config.hiddenSize, layers: config.layers, rng: &rng)
        let pooled = pooling.outputSize
        batchNorm = config.batchNorm ? BatchNorm(pooled) : nil
        (fcnLayers, dropouts, classifier) = SamsungFCN.build(inputSize: pooled, config: config, numClasses: numClasses,
                                                             rng: &rng)
        super.init(level: .frame, numClasses: numClasses, transform: config.transform)
    }

    /// The FCN's last hidden activation [B, featureCount], before the final Linear → C.
    public func features(_ input: ModelInput) -> Tensor {
        let x = transform.apply(input)
        return fcnFeatures(pooling(x.features, mask: x.sequenceMask), batchNorm: batchNorm)
    }
}

extension AttentionNetModel {
    /// The model's configuration; `init()` gives the paper's values (``ZooConfiguration``).
    public struct Config: ZooConfiguration, SamsungFCNConfig {
        /// L, stacked attention layers (`layers_number`; Model1's 3).
        public var layers = 3
        /// H, width of each attention layer's values V_i (`hidden_size`; Model1's 1024).
        public var hiddenSize = 1024
        /// Widths of the FCN's hidden layers before its Linear → C (Model1's 4096, 4096).
        public var fcnSizes = [4096, 4096]
        /// Dropout after each hidden FCN layer (0 in Model1, 0.3 in Models 2–5).
        public var dropout = 0.0
        /// Batch norm before the FCN (Models 1–4; Model5 drops it).
        public var batchNorm = true
        /// The input transform: none, the features as they are (the reference's).
        public var transform = InputTransform.none
        /// Every field at the default given above.
        public init() {}
    }
}
