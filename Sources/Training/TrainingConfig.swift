import NN
import Zoo

/// The training recipe: the papers' choices as defaults (starter code:
/// Adam, decay 0.95 every 4M examples, batch 1024, clip 1.0 on each
/// gradient; WILLOW/Samsung variations are set by the zoo recipes).
public struct TrainingConfig: Codable, Sendable {
    public var steps = 1000
    public var learningRate = 1e-3
    /// Multiply the rate by `decayRate` every `decayExamples` examples (staircase).
    public var decayRate = 0.95
    public var decayExamples = 4_000_000
    public var weightDecay = 0.0
    /// Clip the global gradient norm (nil: no clipping).
    public var clipNorm: Double? = 1.0
    /// The optimizer (absent in older configurations: Adam).
    public var optimizer = OptimizerKind.adam
    public var loss = TrainingLoss.binaryCrossEntropy
    /// Mixup α (nil: no mixup).
    public var mixupAlpha: Double? = nil
    /// EMA rate γ and the step it starts at (nil: no EMA).
    public var emaRate: Double? = nil
    public var emaStartStep = 0
    /// Validate (and save checkpoints) every this many steps, and at the end.
    public var validateEvery = 200
    /// Validate on at most this many batches (nil: the whole set).
    public var validationBatches: Int? = nil
    public var seed: UInt64 = 0
    /// Seconds between progress lines.
    public var progressInterval = 2.0

    public init() {}
}

extension Recipe {
    /// The training configuration of this recipe.
    public func trainingConfig(steps: Int) -> TrainingConfig {
        var c = TrainingConfig()
        c.steps = steps
        c.learningRate = learningRate
        c.decayRate = decayRate
        c.decayExamples = decayExamples
        c.loss = loss
        c.mixupAlpha = mixupAlpha
        c.weightDecay = weightDecay
        c.clipNorm = clipNorm
        c.optimizer = optimizer
        return c
    }
}
