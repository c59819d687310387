import NN
import Tensor
import YT8MData

/// A paper's training recipe: the parts of `TrainingConfig` it fixes plus the batch size.
public struct Recipe: Codable, Sendable {
    /// Videos per training step.
    public var batchSize: Int
    /// The initial learning rate.
    public var learningRate: Double
    /// Factor of the staircase learning-rate decay (the starter's 0.95).
    public var decayRate = 0.95
    /// Examples between two decays (the starter's 4,000,000).
    public var decayExamples = 4_000_000
    /// The loss the run minimises.
    public var loss = TrainingLoss.binaryCrossEntropy
    /// α of mixup's Beta(α, α), or nil for no mixup.
    public var mixupAlpha: Double? = nil
    /// L2 weight decay of the optimizer (0: none).
    public var weightDecay = 0.0
    /// Global gradient-norm clip, or nil for none (the starter's 1.0).
    public var clipNorm: Double? = 1.0
    /// The paper's optimizer (Adam unless it says otherwise; absent in older recipes: Adam).
    public var optimizer = OptimizerKind.adam
    /// How frame-level models read a video's frames in training: `count` frames sampled with
    /// replacement (the starter's and WILLOW's `SampleRandomFrames`), or every frame in order for
    /// models that read time in order (recurrent, convolutional, sorted or positional models).
    /// Evaluation always reads every frame in order.
    public var frames = FrameSampling.randomWithReplacement(count: 300)
    /// The input transform the reference uses.
    public var transform = InputTransform.l2
    /// How a run that starts afresh initialises the final classifier's bias:
    /// the reference's initialisers (every paper recipe), or the training
    /// labels' frequencies (the small configurations; absent in older recipes: as built).
    public var outputBias = OutputBiasInitialization.asBuilt

    /// A recipe with the given batch size and learning rate, the other fields at their defaults.
    public init(batchSize: Int, learningRate: Double) {
        self.batchSize = batchSize
        self.learningRate = learningRate
    }
}

/// Which loss a run minimises.
public enum TrainingLoss: Codable, Sendable, Equatable, CustomStringConvertible {
    /// Binary cross-entropy (from logits, or from probabilities for MoE heads).
    case binaryCrossEntropy
    /// BCE + weight · pairwise ranking loss (Samsung `bce_with_soft_rank`).
    case bceWithRanking(weight: Double)
    /// The pairwise ranking loss alone (needs a logits model).
    case ranking
    /// λ·BCE(hard labels) + (1 − λ)·BCE(teacher probabilities).
    case distillation(lambda: Double)

    /// A short form for logs (`bce`, `bce+w·rank`, …).
    public var description: String {
        switch self {
        case .binaryCrossEntropy: return "bce"
        case .bceWithRanking(let w): return "bce+\(w)·rank"
        case .ranking: return "rank"
        case .distillation(let l): return "distill(λ=\(l))"
        }
    }
}

