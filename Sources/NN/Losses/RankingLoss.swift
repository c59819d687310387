import Tensor

/// The batch-wise pairwise ranking loss of Ostyakov et al. 2018 (Samsung,
/// `soft_ranking_loss`): every positive score p in the batch is paired with
/// the k highest-scoring negatives n of every example (k = 30), and the loss
/// is mean over pairs of log(1 + exp(n − p + margin)).
///
/// With P positives in a batch of B this forms P × B·k pairs (≈ 90·B² for
/// three labels per video), so memory grows with the square of the batch.
/// k is reduced to the smallest number of negatives in any row. A batch with
/// no positive gives 0.
public func pairwiseRankingLoss(logits s: Tensor, targets y: Tensor, negativesPerExample: Int = 30,
                                margin: Double = 1) -> Tensor {
    precondition(s.rank == 2 && s.shape == y.shape,
                 "pairwiseRankingLoss: logits \(s.shape) and targets \(y.shape) must be the same [batch, classes]")
    let positive = y .> 0
    let positivesPerRow = withoutGrad { positive.converted(to: s.dtype).sum(axis: 1) }.doubles
    let mostPositives = Int(positivesPerRow.max() ?? 0)
    let k = min(negativesPerExample, s.shape[1] - mostPositives)
    guard positivesPerRow.reduce(0, +) > 0, k > 0 else { return (s * 0).sum() }
    // Positives are pushed far below every real score so top-k picks negatives only.
    let low = withoutGrad { min(s).scalar } - 1e6
    let negatives = s.maskedFill(positive, value: low).topK(k, axis: 1).values           // [B, k]
    let positives = s.maskedSelect(positive)                                        // [P]
    let pairs = negatives.reshaped(to: [1, -1]) - positives.reshaped(to: [-1, 1]) + margin
    return softplus(pairs).mean()
}

/// Softmax cross-entropy over classes with multi-label targets normalised to
/// a distribution, as the YouTube-8M starter code's SoftmaxLoss:
/// −Σ_c ŷ_c·log softmax(s)_c with ŷ = y / max(Σ y, ε), mean over the batch.
public func softmaxCrossEntropy(logits s: Tensor, targets y: Tensor, epsilon: Double = 1e-7) -> Tensor {
    precondition(s.rank == 2 && s.shape == y.shape,
                 "softmaxCrossEntropy: logits \(s.shape) and targets \(y.shape) must be the same [batch, classes]")
    let normalized = y / maximum(y.sum(axis: 1, keepDims: true), epsilon)
    return -(normalized * logSoftmax(s, axis: 1)).sum() * (1 / Double(s.shape[0]))
}
