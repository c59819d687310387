import Tensor

/// How a loss over [batch, classes] is reduced (to a scalar, or not at all).
public enum LossReduction: Sendable {
    /// No reduction: the loss of every element, in the input's shape
    /// (PyTorch's `reduction='none'`), for weighting or inspecting per example.
    case none
    /// Mean over every element (PyTorch's default).
    case mean
    /// Sum over classes, mean over the batch (the YouTube-8M starter code).
    case sumOverClassesMeanOverBatch
    /// Sum over every element.
    case sum

    func apply(_ perElement: Tensor) -> Tensor {
        switch self {
        case .none: return perElement
        case .mean: return perElement.mean()
        case .sum: return perElement.sum()
        case .sumOverClassesMeanOverBatch:
            precondition(perElement.rank >= 1, "loss: needs a batch axis, got \(perElement.shape)")
            return perElement.sum() * (1 / Double(max(perElement.shape[0], 1)))
        }
    }
}

/// Binary cross-entropy from logits: softplus(x) − x·y per element, which is
/// log(1 + eˣ) − x·y, exact for any |x| (no log of a rounded probability)
/// and with gradient σ(x) − y. Targets may be soft (distillation, mixup).
/// `weights`, of the same shape, scale each element before the reduction:
/// the starter's `label_weights`, with which the segment task counts only
/// the rated classes of a segment.
public func binaryCrossEntropy(logits: Tensor, targets: Tensor, weights: Tensor? = nil,
                               reduction: LossReduction = .mean) -> Tensor {
    precondition(logits.shape == targets.shape,
                 "binaryCrossEntropy: logits \(logits.shape) and targets \(targets.shape) differ")
    return reduction.apply(weighted(softplus(logits) - logits * targets, weights, "binaryCrossEntropy"))
}

/// `perElement · weights`, checking the shapes; `perElement` without weights.
private func weighted(_ perElement: Tensor, _ weights: Tensor?, _ loss: String) -> Tensor {
    guard let weights else { return perElement }
    precondition(weights.shape == perElement.shape, "\(loss): weights \(weights.shape) and targets \(perElement.shape) differ")
    return perElement * weights
}

/// Binary cross-entropy from probabilities as the YouTube-8M starter code
/// computes it: −[y·log(p + ε) + (1 − y)·log(1 − p + ε)], ε = 1e-5, each
/// element scaled by `weights` (the starter's `label_weights`) when given.
public func binaryCrossEntropy(probabilities p: Tensor, targets y: Tensor, weights: Tensor? = nil, epsilon: Double = 1e-5,
                               reduction: LossReduction = .sumOverClassesMeanOverBatch) -> Tensor {
    precondition(p.shape == y.shape, "binaryCrossEntropy: probabilities \(p.shape) and targets \(y.shape) differ")
    return reduction.apply(weighted(-(y * log(p + epsilon) + (1 - y) * log(1 - p + epsilon)), weights, "binaryCrossEntropy"))
}

/// Soft-label distillation (Skalic & Austin 2018, miha's MixedCrossEntropyLoss):
/// λ·BCE(logits, hard labels) + (1 − λ)·BCE(logits, teacher probabilities).
public func distillationLoss(logits: Tensor, hardTargets: Tensor, teacherProbabilities: Tensor,
                             lambda: Double = 0.5, reduction: LossReduction = .mean) -> Tensor {
    precondition(lambda >= 0 && lambda <= 1, "distillationLoss: λ must be in [0, 1], got \(lambda)")
    return lambda * binaryCrossEntropy(logits: logits, targets: hardTargets, reduction: reduction)
        + (1 - lambda) * binaryCrossEntropy(logits: logits, targets: teacherProbabilities, reduction: reduction)
}

/// Hinge loss of the starter code on scores p ∈ [0, 1]: Σ max(0, b − (2y − 1)·p), b = 1.
public func hingeLoss(scores p: Tensor, targets y: Tensor, margin: Double = 1,
                      reduction: LossReduction = .sumOverClassesMeanOverBatch) -> Tensor {
    precondition(p.shape == y.shape, "hingeLoss: scores \(p.shape) and targets \(y.shape) differ")
    return reduction.apply(relu(margin - (2 * y - 1) * p))
}
