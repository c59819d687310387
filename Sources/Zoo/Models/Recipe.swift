import NN
import Tensor
import YT8MData

/// A paper's training recipe: the parts of `TrainingConfig` it fixes plus the batch size.
public struct Recipe: Codable, Sendable {
    public var batchSize: Int
    public var learningRate: Double
    public var decayRate = 0.95
    public var decayExamples = 4_000_000
    public var loss = TrainingLoss.binaryCrossEntropy
    public var mixupAlpha: Double? = nil
    public var weightDecay = 0.0
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

    public var description: String {
        switch self {
        case .binaryCrossEntropy: return "bce"
        case .bceWithRanking(let w): return "bce+\(w)·rank"
        case .ranking: return "rank"
        case .distillation(let l): return "distill(λ=\(l))"
        }
    }
}

