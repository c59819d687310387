import NN
import Tensor

/// The classifier WILLOW puts after every learnable pooling
/// (antoine77340/Youtube-8M-WILLOW frame_level_models.py, `NetVLADModelLF`,
/// `NetFVModelLF`, `SoftDbofModelLF`), docs/zoo.md:
/// p = CG_p(MoE(CG(h))), h = W·v + b (or relu6(BN(W·v)) with `batchNormReLU6`),
/// where CG is context gating x ⊙ σ(BN(W_g·x)) (`--gating`), MoE has m
/// experts, and CG_p is context gating of the probabilities
/// (`--moe_prob_gating`). ``features(_:)`` is the MoE's input CG(h), the
/// zoo models' features; `classifier` (the MoE with its probability
/// gating) turns it into probabilities.
///
/// WILLOW's `moe_l2` penalty (1e-6 in its recipes) acts on the MoE weights
/// only; it is not part of the module. `batchNormMomentum` applies to every
/// batch norm: the hidden layer's, the gating's and the probability gating's
/// inside the MoE (WILLOW uses TF-slim's 0.001 for all three).
public final class WILLOWClassifier: Module {
    /// The hidden layer h over the pooled descriptor.
    public let hidden: WILLOWHiddenLayer
    /// Context gating of h, when on.
    public let gating: ContextGating?
    /// The mixture of experts (with probability gating when on) over the gated hidden vector.
    public let classifier: MixtureOfExperts

    /// A classifier over descriptors of `descriptorSize` features: hidden layer of `hiddenSize`, its weights' scale set by `clusters`, the optional gatings, m = `mixtures` experts for `classes` classes.
    public init(descriptorSize: Int, hiddenSize: Int, clusters: Int, batchNormReLU6: Bool, gating: Bool,
                probabilityGating: Bool, mixtures: Int, batchNormMomentum: Double, classes: Int,
                rng: inout RandomGenerator) {
        hidden = WILLOWHiddenLayer(descriptorSize, hiddenSize, clusters: clusters, batchNormReLU6: batchNormReLU6,
                                   batchNormMomentum: batchNormMomentum, rng: &rng)
        self.gating = gating ? ContextGating(hiddenSize, batchNormMomentum: batchNormMomentum, rng: &rng) : nil
        classifier = MixtureOfExperts(hiddenSize, classes: classes, mixtures: mixtures,
                                      probabilityGating: probabilityGating,
                                      probabilityGatingBatchNormMomentum: batchNormMomentum, rng: &rng)
    }

    /// The classifier `settings` describe, over descriptors of `descriptorSize` features.
    public convenience init(descriptorSize: Int, settings: Settings, clusters: Int, classes: Int, rng: inout RandomGenerator) {
        self.init(descriptorSize: descriptorSize, hiddenSize: settings.hiddenSize, clusters: clusters,
                  batchNormReLU6: settings.hiddenBatchNormReLU6, gating: settings.gating,
                  probabilityGating: settings.probabilityGating, mixtures: settings.mixtures,
                  batchNormMomentum: settings.batchNormMomentum, classes: classes, rng: &rng)
    }

    /// Width of ``features(_:)``: the hidden size H.
    public var featureCount: Int { classifier.inFeatures }

    /// The MoE's input [B, H] for pooled descriptors [B, descriptorSize]: CG(h), or h without gating.
    public func features(_ descriptor: Tensor) -> Tensor {
        let h = hidden(descriptor)
        return gating.map { $0(h) } ?? h
    }
}

extension WILLOWClassifier {
    /// The settings of a ``WILLOWClassifier``, a field group of the WILLOW
    /// pooling models' configurations (their `head`; users name its fields
    /// directly, `{"hiddenSize": 512}`). `init()` gives WILLOW's recipe values.
    public struct Settings: Codable, Sendable, Equatable {
        /// H, width of the hidden layer over the pooled descriptor (the models'
        /// `*_hidden_size` flags; the recipes' 1024).
        public var hiddenSize = 1024
        /// BN + relu6 after the hidden layer instead of a bias (the `*_relu` flags; off in the recipes).
        public var hiddenBatchNormReLU6 = false
        /// Context gating after the hidden layer (`gating`; on in the NetVLAD and NetFV recipes).
        public var gating = true
        /// Context gating of the MoE probabilities (`moe_prob_gating`; on in the NetVLAD and NetFV recipes).
        public var probabilityGating = true
        /// m, experts per class of the MoE (`moe_num_mixtures`; the recipes' 2).
        public var mixtures = 2
        /// Momentum of every batch norm's running statistics, the pooling model's
        /// input and pooling batch norms included (TF-slim's decay 0.999).
        public var batchNormMomentum = 0.001
        /// WILLOW's recipe values.
        public init() {}
        init(gating: Bool, probabilityGating: Bool) {
            self.gating = gating
            self.probabilityGating = probabilityGating
        }
    }
}

/// The fields of a WILLOW pooling model's configuration its skeleton reads
/// (``WILLOWPoolingModel``): K, the classifier's settings and the input transform.
public protocol WILLOWPoolingConfig: ZooConfiguration {
    /// K, clusters of the rgb stream (the audio stream's are K / r).
    var clusterSize: Int { get }
    /// The hidden layer, gatings, m and batch-norm momentum.
    var head: WILLOWClassifier.Settings { get }
    /// The transform of the input frames.
    var transform: InputTransform { get }
}

/// The skeleton WILLOW's learnable-pooling models share (`NetVLADModelLF`,
/// `NetFVModelLF`, `SoftDbofModelLF`): p = CG_p(MoE(CG(W·[P_K(x̂_rgb), P_{K/r}(x̂_audio)] + b))),
/// x̂ = BN_in(x), with input batch norm once over the rgb ⊕ audio features
/// before the split, one pooling P per modality (K clusters for rgb, K/r
/// for audio) and the ``WILLOWClassifier``. A model subclasses it with its
/// `Config` and pooling layer; parameters are named `inputBatchNorm`,
/// `videoPooling`, `audioPooling`, `head` and drawn from `rng` in that order.
/// Features: the MoE's input CG(h) (H wide); outputs probabilities.
public class WILLOWPoolingModel: ZooModelBase, ClassifierLayerModel {
    /// Batch norm over the rgb ⊕ audio features of the valid frames.
    public let inputBatchNorm: FrameBatchNorm
    /// The learnable pooling of the rgb frames (K clusters).
    public let videoPooling: any FramePooling
    /// The learnable pooling of the audio frames (K / r clusters).
    public let audioPooling: any FramePooling
    /// The hidden layer, gating and MoE over the pooled descriptor.
    public let head: WILLOWClassifier

    /// Builds the skeleton; `pooling(featureSize, clusters, &rng)` makes each
    /// modality's pooling, rgb with K clusters, audio with K / `audioClusterDivisor`
    /// (at least 1, so a K below the divisor still has an audio pooling).
    init(_ config: some WILLOWPoolingConfig, rgbSize: Int, audioSize: Int, audioClusterDivisor: Int, numClasses: Int,
         rng: inout RandomGenerator,
         pooling: (_ featureSize: Int, _ clusters: Int, _ rng: inout RandomGenerator) -> any FramePooling) {
        let m = config.head.batchNormMomentum, k = config.clusterSize
        inputBatchNorm = FrameBatchNorm(rgbSize + audioSize, momentum: m)
        videoPooling = pooling(rgbSize, k, &rng)
        audioPooling = pooling(audioSize, max(1, k / audioClusterDivisor), &rng)
        head = WILLOWClassifier(descriptorSize: videoPooling.outputFeatures + audioPooling.outputFeatures,
                                settings: config.head, clusters: k, classes: numClasses, rng: &rng)
        super.init(level: .frame, numClasses: numClasses, transform: config.transform)
    }

    /// The head's mixture of experts (with its probability gating), features → probabilities.
    public var classifier: MixtureOfExperts { head.classifier }

    /// The MoE's input [B, H]: the pooled descriptor after the hidden layer (and its context gating, when on).
    public func features(_ input: ModelInput) -> Tensor {
        var x = transform.apply(input)
        x.features = inputBatchNorm(x.features, mask: frameMask(for: x.features, lengths: x.lengths,
                                                                layer: "\(type(of: self))"))
        let descriptor = Tensor.concat([videoPooling(x.rgb, lengths: x.lengths), audioPooling(x.audio, lengths: x.lengths)],
                                       axis: 1)
        return head.features(descriptor)
    }
}
