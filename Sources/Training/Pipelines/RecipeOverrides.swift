import Metrics
import NN
import YT8MData
import Zoo

/// What a user changes of a zoo entry's training recipe (the flags of
/// `yt8m train`): nil keeps the recipe's value. For mixup, EMA and clipping
/// a value of 0 turns the feature off.
public struct RecipeOverrides: Sendable {
    /// Videos per batch (nil: the recipe's, at most 128 on the synthetic data).
    public var batchSize: Int?
    /// The base learning rate.
    public var learningRate: Double?
    /// The loss minimised.
    public var loss: TrainingLoss?
    /// The optimizer.
    public var optimizer: OptimizerKind?
    /// Mixup α; 0 turns mixup off.
    public var mixupAlpha: Double?
    /// EMA rate γ; 0 (the default) means no averaging.
    public var emaRate = 0.0
    /// The step EMA starts at (0: the first).
    public var emaStartStep = 0
    /// Global gradient-norm clip; 0 turns clipping off.
    public var clipNorm: Double?
    /// The learning-rate schedule after any warm-up.
    public var schedule: LearningRateDecay?
    /// Steps of linear learning-rate warm-up.
    public var warmupSteps: Int?
    /// Stop after this many validations in a row without a better GAP (nil, the default: never).
    public var earlyStoppingPatience: Int?
    /// Micro-batches per step (gradient accumulation).
    public var accumulationSteps: Int?
    /// How frame-level models read frames in training.
    public var frames: FrameSampling?
    /// How a run that starts afresh initialises the final classifier's bias.
    public var outputBias: OutputBiasInitialization?
    /// Validate and checkpoint every this many steps (and at the end); always set, 250 by default.
    public var validateEvery = 250
    /// Seed of the initialisation, the data order, dropout and mixup.
    public var seed: UInt64 = 0
    /// Write TensorBoard event files.
    public var tensorBoard = false
    /// Skip batches whose loss or gradient is not finite instead of stopping.
    public var skipNonFiniteBatches = false

    /// No changes: the recipe as it is, with EMA off, validation every 250 steps and seed 0.
    public init() {}

    /// `recipe`'s training configuration for `steps` steps with these changes.
    public func trainingConfig(_ recipe: Recipe, steps: Int) -> TrainingConfig {
        var c = recipe.trainingConfig(steps: steps)
        if let lr = learningRate { c.learningRate = lr }
        if let l = loss { c.loss = l }
        if let o = optimizer { c.optimizer = o }
        if let m = mixupAlpha { c.mixupAlpha = m != 0 ? m : nil }
        c.emaRate = emaRate != 0 ? emaRate : nil
        c.emaStartStep = emaStartStep
        if let n = clipNorm { c.clipNorm = n != 0 ? n : nil }
        if let s = schedule { c.schedule = s }
        if let w = warmupSteps { c.warmupSteps = w }
        c.earlyStoppingPatience = earlyStoppingPatience
        if let k = accumulationSteps { c.accumulationSteps = k }
        c.validateEvery = validateEvery
        c.seed = seed
        c.tensorBoard = tensorBoard
        c.skipNonFiniteBatches = skipNonFiniteBatches
        return c
    }
}

extension TrainingJob {
    /// The job `yt8m train` runs: zoo model `model` at `size` (default: small
    /// on the synthetic data, paper otherwise) with configuration overrides
    /// `configuration` (a JSON object), trained on `data` for `steps` steps
    /// with its recipe changed by `overrides`, into `directory`. The batch
    /// is the recipe's (at most 128 on the synthetic data). Throws
    /// `ZooError` for an unknown model or configuration field,
    /// ``TrainingConfigError`` for a value outside its range, and
    /// ``TrainingJobError`` for a batch the micro-batches cannot split.
    public init(model: String, size: ModelSize?, configuration: String?, data: DataSelection, steps: Int,
                overrides: RecipeOverrides, directory: String) throws {
        let entry = try ModelZoo.entry(named: model)
        let size = size ?? (data.isSynthetic ? .small : .paper)
        let spec = ModelSpec(model: model, size: size, overrides: configuration ?? "{}", numClasses: data.format.numClasses)
        _ = try entry.configuration(size: size, overrides: spec.overrideDictionary)          // unknown fields fail here, before any work
        let recipe = entry.recipe(for: size)
        let config = overrides.trainingConfig(recipe, steps: steps)
        try config.validate()
        let batch = overrides.batchSize ?? (data.isSynthetic ? min(recipe.batchSize, 128) : recipe.batchSize)
        guard batch > 0, batch >= config.accumulationSteps else {
            throw TrainingJobError.batchTooSmall(batchSize: batch, microBatches: config.accumulationSteps)
        }
        var teacherKey: String? = nil
        if case .distillation = config.loss { teacherKey = "predictions" }
        self.init(spec: spec, trainFiles: data.trainFiles, validationFiles: data.validationFiles, format: data.format,
                  config: config, batchSize: batch, frames: overrides.frames ?? recipe.frames,
                  directory: directory, seed: overrides.seed, teacherKey: teacherKey,
                  outputBias: overrides.outputBias ?? recipe.outputBias)
    }

    /// GAP@20 etc. of a predictor that ignores its input (the validation
    /// files' own label frequencies), the floor a trained model must clear;
    /// nil without validation files.
    public func labelFrequencyBaseline() throws -> EvaluationResult? {
        guard !validationFiles.isEmpty else { return nil }
        return try Trainer.labelFrequencyBaseline(on: try evaluationSource(validationFiles), numClasses: spec.numClasses)
    }
}

/// A training job whose settings cannot work together.
public enum TrainingJobError: Error, CustomStringConvertible, Equatable {
    /// Fewer videos per batch than micro-batches (or none).
    case batchTooSmall(batchSize: Int, microBatches: Int)
    /// Segment labels asked of a model that reads video-level vectors (or frame statistics), not frames.
    case segmentLabelsNeedFrameModel(model: String)
    /// The checkpoint to start from holds another model (or another size, class count or configuration).
    case initialWeightsMismatch(checkpoint: String, fields: [String], saved: String, requested: String)

    /// The problem in words, naming what was wrong and where.
    public var description: String {
        switch self {
        case .batchTooSmall(let b, let k):
            return "a batch of \(b) videos cannot be split into \(k) micro-batches: the batch size must be at least the number of micro-batches"
        case .segmentLabelsNeedFrameModel(let model):
            return "\(model) does not read frames, so it cannot be trained on 5-frame segments: segment labels need a frame-level model (see `yt8m zoo`)"
        case .initialWeightsMismatch(let path, let fields, let saved, let requested):
            return "\(path) holds another \(fields.joined(separator: ", ")) than this run asks for (checkpoint: \(saved); run: \(requested)): start from a checkpoint of the same model, or leave --model, --size and --config to the checkpoint"
        }
    }
}
