import Foundation
import Tensor

/// Mixture-of-experts classifier (starter code / WILLOW `MoeModel`): per
/// class c, g = softmax over m + 1 gate logits (W_g·x, no bias), e_j =
/// σ(W_e·x + b_e)_j for m experts, p_c = Σ_{j<m} g_j·e_j (the (m+1)-th gate
/// is a dummy expert that always says 0); optionally followed by context
/// gating of the probabilities, p ⊙ σ(BN(W_p·p)) (WILLOW `moe_prob_gating`).
///
/// The head outputs **probabilities** — a mixture of sigmoids has no logit
/// form. Train it with `binaryCrossEntropy(probabilities:targets:epsilon:reduction:)`
/// (the starter's loss, ε = 1e-5), which ``loss(_:targets:reduction:)``
/// does; never with BCE-on-logits (that would apply a second sigmoid).
///
/// Gate logits are laid out class-major as in the reference
/// (`reshape([-1, m + 1])` of the C·(m+1) outputs), experts likewise.
/// `lowRankGating` r computes the gate logits through an r-wide bottleneck
/// without biases (WILLOW `moe_low_rank_gating`). Initialisation as TF-slim's
/// `fully_connected`: Glorot-uniform weights, zero biases
/// (``initializeOutputBias(toPrior:)`` sets the expert biases to a label
/// prior instead). The reference's
/// L2 penalty (1e-8; WILLOW recipes 1e-6) is the optimizer's weight decay.
public final class MixtureOfExperts: Module, Layer, ClassifierHead {
    /// Bottleneck of low-rank gating (in → r), if any.
    public let gatesBottleneck: Linear?
    /// Gate logits: (in or r) → C·(m+1), no bias.
    public let gates: Linear
    /// Expert logits: in → C·m, with bias.
    public let experts: Linear
    /// Context gating of the output probabilities (C × C), if enabled.
    public let probabilityGating: ContextGating?
    /// Classes scored.
    public let classes: Int
    /// m, experts per class.
    public let mixtures: Int

    /// `probabilityGatingBatchNormMomentum` is the momentum of the probability
    /// gating's batch norm (TF-slim's 0.001 by default, as WILLOW).
    public init(_ inFeatures: Int, classes: Int, mixtures: Int = 2, probabilityGating: Bool = false,
                lowRankGating: Int? = nil, probabilityGatingBatchNormMomentum: Double = 0.001,
                dtype: DType = .float32, rng: inout RandomGenerator) {
        precondition(inFeatures > 0 && classes > 0 && mixtures > 0,
                     "MixtureOfExperts: sizes must be positive, got in \(inFeatures), classes \(classes), mixtures \(mixtures)")
        self.classes = classes
        self.mixtures = mixtures
        gatesBottleneck = lowRankGating.map {
            Linear(inFeatures, $0, bias: false, weightInit: .glorotUniform(), dtype: dtype, rng: &rng)
        }
        gates = Linear(lowRankGating ?? inFeatures, classes * (mixtures + 1), bias: false,
                       weightInit: .glorotUniform(), dtype: dtype, rng: &rng)
        experts = Linear(inFeatures, classes * mixtures, weightInit: .glorotUniform(), biasInit: .zeros,
                         dtype: dtype, rng: &rng)
        self.probabilityGating = probabilityGating
            ? ContextGating(classes, batchNormMomentum: probabilityGatingBatchNormMomentum, dtype: dtype, rng: &rng) : nil
    }

    /// Width of the input rows.
    public var inFeatures: Int { experts.inFeatures }

    /// Class probabilities [B, C].
    public func forward(_ x: Tensor) -> Tensor {
        precondition(x.rank == 2 && x.shape[1] == inFeatures,
                     "MixtureOfExperts: input \(x.shape) is not [batch, \(inFeatures)]")
        let b = x.shape[0], m = mixtures
        let gateLogits = gates(gatesBottleneck.map { $0(x) } ?? x).reshaped(to: [b, classes, m + 1])
        let gate = softmax(gateLogits, axis: -1).sliced(axis: 2, range: 0..<m)      // drop the dummy expert
        let expert = sigmoid(experts(x).reshaped(to: [b, classes, m]))
        let p = (gate * expert).sum(axis: 2)                                        // [B, C]
        return probabilityGating.map { $0(p) } ?? p
    }

    /// The class probabilities [N, classes] (the mixture's output is already a probability).
    public func probabilities(_ x: Tensor) -> Tensor { self(x) }

    /// The largest probability an expert is set to by
    /// ``initializeOutputBias(toPrior:)``: a prior too large for the mixture to
    /// reach (q·(m + 1)/m ≥ 1) is approached, not met.
    public static let maximumExpertPrior = 0.99

    /// Sets the expert biases so that the mixture's probabilities for a zero
    /// input are `prior` (clipped where it cannot reach them), leaving every
    /// weight and the probability gating as built.
    ///
    /// For a zero input the gate logits are 0 (the gates have no bias), so the
    /// softmax over the m + 1 gates is uniform and p_c = m/(m + 1)·σ(b_c) when
    /// every expert of class c has bias b_c; b_c = logit(min(q_c·(m + 1)/m, 0.99)).
    /// With probability gating the mixture is multiplied by σ(BN(W_p·p)),
    /// whose batch norm (in training mode) makes the pre-activation of each
    /// class zero-mean over the batch: the gate is 1/2 exactly when the
    /// batch's rows are alike (a zero input) and 1/2 on average otherwise, so
    /// the mixture aims at 2·q_c. (In evaluation mode, with the running
    /// statistics at their start, the gate is σ(W_p·p/√(1 + ε)), ≈ 1/2 for the
    /// small p of a label prior.) The gating's weights are left as they are.
    public func initializeOutputBias(toPrior prior: [Double]) {
        OutputBiasPrior.check(prior, classes: classes, layer: "MixtureOfExperts")
        let m = Double(mixtures), gate = probabilityGating == nil ? 1.0 : 0.5
        let logits = prior.map { OutputBiasPrior.logit(min($0 * (m + 1) / m / gate, Self.maximumExpertPrior)) }
        // Expert biases are class-major: class c's m experts at c·m..<(c + 1)·m.
        experts.bias!.assign(Tensor(logits.flatMap { Array(repeating: $0, count: mixtures) }))
    }

    /// The starter code's BCE on probabilities, −[y·log(p + ε) + (1 − y)·log(1 − p + ε)], ε = 1e-5.
    public func loss(_ x: Tensor, targets: Tensor, reduction: LossReduction = .sumOverClassesMeanOverBatch) -> Tensor {
        binaryCrossEntropy(probabilities: self(x), targets: targets, reduction: reduction)
    }
}
