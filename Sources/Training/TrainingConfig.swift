import Foundation
import NN
import Zoo

/// The training recipe: the papers' choices as defaults (starter code:
/// Adam, decay 0.95 every 4M examples, batch 1024, clip 1.0 on each
/// gradient; WILLOW/Samsung variations are set by the zoo recipes).
public struct TrainingConfig: Codable, Sendable {
    /// Optimizer updates in the run.
    public var steps = 1000
    /// The base learning rate: where the schedule starts after any warm-up.
    public var learningRate = 1e-3
    /// How the rate changes over the run after any warm-up.
    public var schedule = LearningRateDecay.staircase
    /// With the staircase schedule: multiply the rate by `decayRate` every `decayExamples` examples.
    public var decayRate = 0.95
    /// Examples between two staircase decays (4M: the starter code's).
    public var decayExamples = 4_000_000
    /// Linear warm-up from 0 over this many steps before the schedule (0: none).
    public var warmupSteps = 0
    /// L2 weight decay λ, λw added to the gradient by the optimizer (0: none).
    public var weightDecay = 0.0
    /// Split each batch into this many strided micro-batches whose gradients
    /// are summed in order before one update: the same arithmetic as that
    /// many data-parallel ranks, in the memory of one micro-batch.
    public var accumulationSteps = 1
    /// Clip the global gradient norm (nil: no clipping).
    public var clipNorm: Double? = 1.0
    /// The optimizer (absent in older configurations: Adam).
    public var optimizer = OptimizerKind.adam
    /// The loss minimised (``TrainingObjective`` builds it).
    public var loss = TrainingLoss.binaryCrossEntropy
    /// Mixup α (nil: no mixup).
    public var mixupAlpha: Double? = nil
    /// EMA rate γ and the step it starts at (nil: no EMA).
    public var emaRate: Double? = nil
    /// The step EMA starts at: the shadow is a copy of the weights there, and updates before it are ignored.
    public var emaStartStep = 0
    /// Validate (and save checkpoints) every this many steps, and at the end.
    public var validateEvery = 200
    /// Validate on at most this many batches (nil: the whole set).
    public var validationBatches: Int? = nil
    /// Stop when validation GAP has not improved for this many validations in a row (nil: never).
    public var earlyStoppingPatience: Int? = nil
    /// The seed of the trainer's mixup generator. The model's initialisation
    /// and dropout and the data order are seeded where they are built (the
    /// pipelines give them this same seed).
    public var seed: UInt64 = 0
    /// Write TensorBoard event files in `<dir>/tensorboard/` (``TensorBoardWriter``).
    public var tensorBoard = false
    /// Skip a batch whose loss or gradient is NaN or infinite (no update,
    /// counted as `skipped_batches` in the metrics) instead of stopping the
    /// run; the run still stops after ``Trainer/maxConsecutiveSkippedBatches`` in a row.
    public var skipNonFiniteBatches = false
    /// Seconds between progress lines.
    public var progressInterval = 2.0

    /// A configuration with every field at its default.
    public init() {}

    /// Reads a configuration stored by any earlier version: a field the
    /// stored JSON lacks (one added since) takes its default, so checkpoints
    /// written before the field existed still resume. Optional fields are not
    /// filled in: their absence is how JSON stores nil.
    public static func decodeStored(_ json: String) throws -> TrainingConfig {
        let optionalFields = Set(Mirror(reflecting: TrainingConfig()).children.compactMap { field in
            Mirror(reflecting: field.value).displayStyle == .optional ? field.label : nil
        })
        let defaults = (try JSONSerialization.jsonObject(with: JSONEncoder().encode(TrainingConfig())) as? [String: Any] ?? [:])
            .filter { !optionalFields.contains($0.key) }
        guard let stored = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any] else {
            throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "a training configuration is a JSON object"))
        }
        let merged = defaults.merging(stored) { _, saved in saved }
        return try JSONDecoder().decode(TrainingConfig.self, from: JSONSerialization.data(withJSONObject: merged))
    }

    /// The learning rate at each step for batches of `batchSize` videos,
    /// composed from NN's `Schedules`.
    public func learningRateSchedule(batchSize: Int) -> LearningRateSchedule {
        let decaying: LearningRateSchedule
        switch schedule {
        case .staircase:
            decaying = Schedules.exponentialDecay(learningRate, rate: decayRate, everyExamples: decayExamples, batchSize: batchSize)
        case .cosine: decaying = Schedules.cosine(learningRate, totalSteps: max(steps - warmupSteps, 1))
        case .constant: decaying = Schedules.constant(learningRate)
        }
        return warmupSteps > 0 ? Schedules.linearWarmup(steps: warmupSteps, then: decaying) : decaying
    }
}

/// The shape of a run's learning-rate schedule.
public enum LearningRateDecay: String, Codable, Sendable, CaseIterable {
    /// × `decayRate` every `decayExamples` examples: the starter code's and the papers' exponential decay.
    case staircase
    /// Cosine decay from the learning rate to 0 over the run's steps.
    case cosine
    /// The learning rate throughout.
    case constant
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
