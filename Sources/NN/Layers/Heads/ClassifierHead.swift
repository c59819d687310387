import Tensor

/// A multi-label classifier head: features [B, F] → scores for C classes,
/// with the loss that matches what the head outputs.
///
/// Heads that output logits (``LogisticClassifier``) train with
/// binary cross-entropy on logits; heads that can only output
/// probabilities (``MixtureOfExperts``: a mixture of sigmoids has no logit
/// form) train with the starter code's BCE on probabilities (ε = 1e-5).
/// `loss` picks the right one, so a probability is never squashed twice.
public protocol ClassifierHead: Module {
    /// Number of classes C.
    var classes: Int { get }
    /// Class probabilities [B, C] in (0, 1).
    func probabilities(_ features: Tensor) -> Tensor
    /// The training loss of the head on `features` against (possibly soft)
    /// multi-hot `targets` [B, C].
    func loss(_ features: Tensor, targets: Tensor, reduction: LossReduction) -> Tensor
    /// Sets the head's output bias so that its probabilities for a zero input
    /// are `prior` (one probability in (0, 1) per class, the label
    /// frequencies), leaving the weights as they are (``OutputBiasPrior``).
    func initializeOutputBias(toPrior prior: [Double])
}
