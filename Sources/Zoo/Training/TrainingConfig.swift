import NN

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

/// Which optimizer a run uses. Configurations and recipes written before
/// this choice existed have no `optimizer` field and decode as Adam.
public enum OptimizerKind: String, Codable, Sendable, CaseIterable, CustomStringConvertible {
    /// Adam with TensorFlow/PyTorch defaults (β₁ 0.9, β₂ 0.999, ε 1e-8): the starter code, WILLOW, miha, most Samsung configs.
    case adam
    /// RMSprop with PyTorch's defaults (α 0.99, ε 1e-8): Samsung's LSTM-bi-attention (configs 27/28).
    case rmsprop

    public var description: String { rawValue }

    /// The optimizer over `module`'s parameters; `weightDecay` is L2 added to the gradient in both.
    public func make(_ module: Module, learningRate: Double, weightDecay: Double = 0) -> any Optimizer {
        switch self {
        case .adam: return Adam(module, learningRate: learningRate, weightDecay: weightDecay)
        case .rmsprop: return RMSprop(module, learningRate: learningRate, weightDecay: weightDecay)
        }
    }
}

extension KeyedDecodingContainer {
    /// A missing optimizer field decodes as Adam, the only optimizer before
    /// the field existed; the synthesized decoders of ``TrainingConfig`` and
    /// ``Recipe`` pick this overload, so their other fields stay required.
    func decode(_ type: OptimizerKind.Type, forKey key: Key) throws -> OptimizerKind {
        try decodeIfPresent(type, forKey: key) ?? .adam
    }
}

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
