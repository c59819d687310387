import NN
import Tensor

/// The classifier WILLOW puts after every learnable pooling
/// (antoine77340/Youtube-8M-WILLOW frame_level_models.py, `NetVLADModelLF`,
/// `NetFVModelLF`, `SoftDbofModelLF`), ZOO.md §3.5–3.8:
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
    public let hidden: WILLOWHiddenLayer
    public let gating: ContextGating?
    public let classifier: MixtureOfExperts

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

    /// Width of ``features(_:)``: the hidden size H.
    public var featureCount: Int { classifier.inFeatures }

    /// The MoE's input [B, H] for pooled descriptors [B, descriptorSize]: CG(h), or h without gating.
    public func features(_ descriptor: Tensor) -> Tensor {
        let h = hidden(descriptor)
        return gating.map { $0(h) } ?? h
    }
}

/// The fields of a WILLOW pooling model's configuration its skeleton reads
/// (``WILLOWPoolingModel``): K, H, the hidden layer's form, the gatings, m,
/// the batch-norm momentum and the input transform.
public protocol WILLOWPoolingConfig: ZooConfiguration {
    var clusterSize: Int { get }
    var hiddenSize: Int { get }
    var hiddenBatchNormReLU6: Bool { get }
    var gating: Bool { get }
    var probabilityGating: Bool { get }
    var mixtures: Int { get }
    var batchNormMomentum: Double { get }
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
public class WILLOWPoolingModel: Module, ZooModel {
    public let level = InputLevel.frame
    public let numClasses: Int
    let transform: InputTransform
    public let inputBatchNorm: FrameBatchNorm
    public let videoPooling: any FramePooling
    public let audioPooling: any FramePooling
    public let head: WILLOWClassifier

    /// Builds the skeleton; `pooling(featureSize, clusters, &rng)` makes each
    /// modality's pooling, rgb with K clusters, audio with K / `audioClusterDivisor`.
    init(_ config: some WILLOWPoolingConfig, rgbSize: Int, audioSize: Int, audioClusterDivisor: Int, numClasses: Int,
         rng: inout RandomGenerator,
         pooling: (_ featureSize: Int, _ clusters: Int, _ rng: inout RandomGenerator) -> any FramePooling) {
        self.numClasses = numClasses
        transform = config.transform
        let m = config.batchNormMomentum, k = config.clusterSize
        inputBatchNorm = FrameBatchNorm(rgbSize + audioSize, momentum: m)
        videoPooling = pooling(rgbSize, k, &rng)
        audioPooling = pooling(audioSize, k / audioClusterDivisor, &rng)
        head = WILLOWClassifier(descriptorSize: videoPooling.outputFeatures + audioPooling.outputFeatures,
                                hiddenSize: config.hiddenSize, clusters: k, batchNormReLU6: config.hiddenBatchNormReLU6,
                                gating: config.gating, probabilityGating: config.probabilityGating,
                                mixtures: config.mixtures, batchNormMomentum: m, classes: numClasses, rng: &rng)
    }

    /// H, the hidden size.
    public var featureCount: Int { head.featureCount }

    /// The MoE's input [B, H]: the pooled descriptor after the hidden layer (and its context gating, when on).
    public func features(_ input: ModelInput) -> Tensor {
        var x = transform.apply(input)
        x.features = inputBatchNorm(x.features, mask: frameMask(for: x.features, lengths: x.lengths,
                                                                layer: "\(type(of: self))"))
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
