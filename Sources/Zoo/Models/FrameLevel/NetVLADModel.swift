import NN
import Tensor

/// Gated NetVLAD / NetRVLAD, WILLOW's `NetVLADModelLF` (Miech et al. 2017,
/// antoine77340/Youtube-8M-WILLOW frame_level_models.py), ZOO.md §3.6–3.7:
/// p = CG_p(MoE(CG(W·[VLAD_K(x̂_rgb), VLAD_{K/2}(x̂_audio)] + b))), x̂ = BN_in(x),
/// with VLAD the ``NetVLAD`` pooling (or ``NetRVLAD``, `lightVLAD`, WILLOW's
/// `--lightvlad`: no centre term), input batch norm once over the 1152
/// features before the split, the hidden layer with bias only (the recipes'
/// `netvlad_relu=False`), context gating (`--gating`), MoE (m = 2) and
/// context gating of the probabilities (`--moe_prob_gating`).
/// K = 256, H = 1024 → 321.5 M (NetVLAD), 321.2 M (NetRVLAD); the hidden
/// layer alone is 285 M (ZOO.md §6.8).
///
/// Padding frames get no assignment and the batch norms use valid frames
/// only, so a video's output is independent of its batch's padding. The
/// VLAD descriptors are flattened cluster-major (a fixed permutation of
/// WILLOW's hidden-layer rows; see ``NetVLAD``). Outputs probabilities.
/// Features: CG(W·[VLAD, VLAD] + b), the MoE's input (H wide).
public final class NetVLADModel: Module, ZooModel {
    public struct Config: Codable, Sendable {
        /// K for the rgb stream; the audio stream gets K/2 (`netvlad_cluster_size`).
        public var clusterSize = 256
        /// H (`netvlad_hidden_size`).
        public var hiddenSize = 1024
        /// NetRVLAD: no `a_sum·c` residual term (`lightvlad`).
        public var lightVLAD = false
        /// BN + relu6 after the hidden layer instead of a bias (`netvlad_relu`).
        public var hiddenBatchNormReLU6 = false
        /// Context gating after the hidden layer (`gating`).
        public var gating = true
        /// Context gating of the MoE probabilities (`moe_prob_gating`).
        public var probabilityGating = true
        /// Experts of the MoE head (`moe_num_mixtures`).
        public var mixtures = 2
        /// Momentum of the running statistics (TF-slim decay 0.999).
        public var batchNormMomentum = 0.001
        public var transform = InputTransform.l2
        public init() {}
    }

    public let level = InputLevel.frame
    public let numClasses: Int
    let transform: InputTransform
    public let inputBatchNorm: FrameBatchNorm
    public let videoPooling: any FramePooling
    public let audioPooling: any FramePooling
    public let head: WILLOWClassifier

    public init(_ config: Config = Config(), rgbSize: Int = 1024, audioSize: Int = 128, numClasses: Int,
                rng: inout RandomGenerator) {
        self.numClasses = numClasses
        transform = config.transform
        let m = config.batchNormMomentum, k = config.clusterSize
        inputBatchNorm = FrameBatchNorm(rgbSize + audioSize, momentum: m)
        if config.lightVLAD {
            videoPooling = NetRVLAD(featureSize: rgbSize, clusters: k, batchNormMomentum: m, rng: &rng)
            audioPooling = NetRVLAD(featureSize: audioSize, clusters: k / 2, batchNormMomentum: m, rng: &rng)
        } else {
            videoPooling = NetVLAD(featureSize: rgbSize, clusters: k, batchNormMomentum: m, rng: &rng)
            audioPooling = NetVLAD(featureSize: audioSize, clusters: k / 2, batchNormMomentum: m, rng: &rng)
        }
        head = WILLOWClassifier(descriptorSize: rgbSize * k + audioSize * (k / 2), hiddenSize: config.hiddenSize,
                                clusters: k, batchNormReLU6: config.hiddenBatchNormReLU6, gating: config.gating,
                                probabilityGating: config.probabilityGating, mixtures: config.mixtures,
                                batchNormMomentum: m, classes: numClasses, rng: &rng)
    }

    /// H, the hidden size.
    public var featureCount: Int { head.featureCount }

    /// The MoE's input [B, H]: the pooled descriptor after the hidden layer (and its context gating, when on).
    public func features(_ input: ModelInput) -> Tensor {
        var x = transform.apply(input)
        x.features = inputBatchNorm(x.features, mask: frameMask(for: x.features, lengths: x.lengths, layer: "NetVLADModel"))
        let descriptor = Tensor.concat([videoPooling(x.rgb, lengths: x.lengths), audioPooling(x.audio, lengths: x.lengths)],
                                       axis: 1)
        return head.features(descriptor)
    }

    /// The MoE's (gated) probabilities.
    public func classify(_ features: Tensor) -> ModelOutput {
        checkFeatures(features)
        return .probabilities(head.classifier(features))
    }
}

extension NetVLADModel {
    /// The zoo's `netvlad`, `netrvlad` entries (``ModelZoo/entries``).
    static let zooEntries: [ZooEntry] = [
        .make("netvlad", level: .frame,
              summary: "Gated NetVLAD: 256 (rgb) + 128 (audio) clusters, 1024 hidden, context gating, gated MoE (WILLOW NetVLADModelLF)",
              recipe: .willow(decayRate: 0.8), smallLearningRate: SmallConfiguration.willowLearningRate,
              paper: NetVLADModel.Config(),
              small: { var c = NetVLADModel.Config(); c.clusterSize = 8; c.hiddenSize = 32; c.batchNormMomentum = SmallConfiguration.batchNormMomentum; return c }(),
              build: { c, classes, rng in NetVLADModel(c, numClasses: classes, rng: &rng) }),

        .make("netrvlad", level: .frame,
              summary: "Gated NetRVLAD: NetVLAD without cluster centres, 256 + 128 clusters (WILLOW NetVLADModelLF --lightvlad)",
              recipe: .willow(decayRate: 0.8), smallLearningRate: SmallConfiguration.willowLearningRate,
              paper: { var c = NetVLADModel.Config(); c.lightVLAD = true; return c }(),
              small: {
                  var c = NetVLADModel.Config()
                  c.lightVLAD = true; c.clusterSize = 8; c.hiddenSize = 32; c.batchNormMomentum = SmallConfiguration.batchNormMomentum
                  return c
              }(),
              build: { c, classes, rng in NetVLADModel(c, numClasses: classes, rng: &rng) }),
    ]
}
