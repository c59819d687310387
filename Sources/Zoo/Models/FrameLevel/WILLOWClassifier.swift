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
