import NN
import Tensor
import Zoo

/// What a run minimises, as a value: the loss of a model's output on a
/// batch. The trainer calls ``loss(_:_:)`` and knows nothing of which loss it
/// is; a recipe names one with `TrainingLoss` and ``init(_:)`` turns that
/// name into the function, and a library user can pass any other.
public struct TrainingObjective {
    /// Short name for logs and plot titles (`bce`, `bce+0.5·rank`).
    public let name: String
    /// Whether the loss needs logits; a mixture-of-experts head gives
    /// probabilities only, so such a model cannot be trained with it.
    public let requiresLogits: Bool
    /// Whether the loss reads teacher predictions from the batch.
    public let requiresTeacher: Bool
    /// Whether the loss weights each label by the batch's ``TrainingBatch/labelWeights``
    /// (segment labels); the trainer refuses weighted data for one that does not.
    public let acceptsLabelWeights: Bool
    private let compute: (ModelOutput, TrainingBatch) -> Tensor

    /// An objective from a loss function; the flags say what it needs, so a
    /// caller can refuse a model or data that cannot provide it before training starts.
    public init(name: String, requiresLogits: Bool = false, requiresTeacher: Bool = false, acceptsLabelWeights: Bool = false,
                loss: @escaping (ModelOutput, TrainingBatch) -> Tensor) {
        self.name = name
        self.requiresLogits = requiresLogits
        self.requiresTeacher = requiresTeacher
        self.acceptsLabelWeights = acceptsLabelWeights
        compute = loss
    }

    /// The scalar loss of `output` on `batch`.
    public func loss(_ output: ModelOutput, _ batch: TrainingBatch) -> Tensor {
        if requiresLogits, case .probabilities = output {
            preconditionFailure("the \(name) loss needs a model that outputs logits (not a mixture-of-experts head)")
        }
        if requiresTeacher && batch.teacher == nil {
            preconditionFailure("the \(name) loss needs teacher predictions in the training data (context feature 'predictions')")
        }
        return compute(output, batch)
    }

    /// Binary cross-entropy with the labels, from logits or, for
    /// mixture-of-experts heads, from probabilities (nothing passes through a
    /// sigmoid twice); each element scaled by the batch's label weights when it has them.
    public static let binaryCrossEntropy = TrainingObjective(name: "bce", acceptsLabelWeights: true) { output, batch in
        bce(output, batch.labels, weights: batch.labelWeights)
    }

    /// The pairwise ranking loss alone (Samsung 2018).
    public static let ranking = TrainingObjective(name: "rank", requiresLogits: true) { output, batch in
        pairwiseRankingLoss(logits: logits(output), targets: batch.labels)
    }

    /// BCE + weight · pairwise ranking loss (Samsung `bce_with_soft_rank`).
    public static func bceWithRanking(weight: Double) -> TrainingObjective {
        TrainingObjective(name: "bce+\(weight)·rank", requiresLogits: true) { output, batch in
            bce(output, batch.labels) + weight * pairwiseRankingLoss(logits: logits(output), targets: batch.labels)
        }
    }

    /// λ·BCE(hard labels) + (1 − λ)·BCE(teacher probabilities): distillation
    /// from out-of-fold soft labels (Samsung 2018, "knowledge distillation").
    public static func distillation(lambda: Double) -> TrainingObjective {
        TrainingObjective(name: "distill(λ=\(lambda))", requiresTeacher: true) { output, batch in
            lambda * bce(output, batch.labels) + (1 - lambda) * bce(output, batch.teacher!)
        }
    }

    /// The objective a recipe names.
    public init(_ loss: TrainingLoss) {
        switch loss {
        case .binaryCrossEntropy: self = .binaryCrossEntropy
        case .ranking: self = .ranking
        case .bceWithRanking(let w): self = .bceWithRanking(weight: w)
        case .distillation(let lambda): self = .distillation(lambda: lambda)
        }
    }

    private static func bce(_ output: ModelOutput, _ targets: Tensor, weights: Tensor? = nil) -> Tensor {
        switch output {
        case .logits(let l): return NN.binaryCrossEntropy(logits: l, targets: targets, weights: weights)
        case .probabilities(let p): return NN.binaryCrossEntropy(probabilities: p, targets: targets, weights: weights, reduction: .mean)
        }
    }

    private static func logits(_ output: ModelOutput) -> Tensor {
        guard case .logits(let l) = output else { preconditionFailure("unreachable: requiresLogits is checked first") }
        return l
    }
}
