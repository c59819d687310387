import Metrics
import NN
import Tensor
import Zoo
import Foundation

/// Trains a zoo model with a recipe, validates it, and keeps its checkpoints:
/// `<dir>/last.safetensors` after every validation, `<dir>/best.safetensors`
/// when validation GAP improves, `<dir>/metrics.csv` and
/// `<dir>/training-curves.svg`. A run started on a directory that holds a
/// `last.safetensors` resumes from it: same step, weights, optimizer state,
/// EMA shadow and data position. The optimizer is `config.optimizer`;
/// checkpoints record its kind, and resuming one written by another
/// optimizer is an error (checkpoints without the record are Adam's).
public final class Trainer {
    public let model: any ZooModel
    public let config: TrainingConfig
    public let directory: String
    public let optimizer: any Optimizer
    public let ema: ExponentialMovingAverage?
    public let log = MetricsLog()
    public private(set) var step = 0
    public private(set) var bestGAP = -Double.infinity
    private var mixup: Mixup?
    /// Extra metadata stored in checkpoints (model name, configuration).
    public var checkpointMetadata: [String: String] = [:]

    public init(model: any ZooModel, config: TrainingConfig, directory: String) {
        self.model = model
        self.config = config
        self.directory = directory
        optimizer = config.optimizer.make(model, learningRate: config.learningRate, weightDecay: config.weightDecay)
        ema = config.emaRate.map { ExponentialMovingAverage(model, rate: $0, startStep: config.emaStartStep) }
        mixup = config.mixupAlpha.map { Mixup(alpha: $0, seed: config.seed &+ 17) }
    }

    var lastPath: String { directory + "/last.safetensors" }
    var bestPath: String { directory + "/best.safetensors" }
    var logPath: String { directory + "/metrics.csv" }
    /// The checkpoint metadata key that records the optimizer kind.
    static let optimizerKey = "optimizer"

    /// The loss of one batch for the recipe.
    func loss(_ output: ModelOutput, _ batch: TrainingBatch) -> Tensor {
        let y = batch.labels
        func bce(_ targets: Tensor) -> Tensor {
            switch output {
            case .logits(let l): return binaryCrossEntropy(logits: l, targets: targets)
            case .probabilities(let p): return binaryCrossEntropy(probabilities: p, targets: targets, reduction: .mean)
            }
        }
        func logits() -> Tensor {
            guard case .logits(let l) = output else {
                preconditionFailure("the ranking loss needs a model that outputs logits (not a mixture-of-experts head)")
            }
            return l
        }
        switch config.loss {
        case .binaryCrossEntropy: return bce(y)
        case .ranking: return pairwiseRankingLoss(logits: logits(), targets: y)
        case .bceWithRanking(let w): return bce(y) + w * pairwiseRankingLoss(logits: logits(), targets: y)
        case .distillation(let lambda):
            guard let teacher = batch.teacher else {
                preconditionFailure("distillation needs teacher predictions in the training data (context feature 'predictions')")
            }
            return lambda * bce(y) + (1 - lambda) * bce(teacher)
        }
    }

    /// Learning rate at a step: staircase exponential decay in examples seen.
    func learningRate(step: Int, batchSize: Int) -> Double {
        let decays = (Double(step * batchSize) / Double(config.decayExamples)).rounded(.down)
        return config.learningRate * pow(config.decayRate, decays)
    }

    /// Restores the last checkpoint of the directory, if any; returns whether it did.
    @discardableResult
    public func resumeIfPossible(training: BatchSource) throws -> Bool {
        guard FileManager.default.fileExists(atPath: lastPath) else { return false }
        let saved = try SafeTensors.readMetadata(lastPath)[Trainer.optimizerKey] ?? OptimizerKind.adam.rawValue
        guard saved == config.optimizer.rawValue else {
            throw TrainingError.optimizerMismatch(checkpoint: lastPath, saved: saved, requested: config.optimizer.rawValue)
        }
        let (savedStep, metadata) = try Checkpoint.load(from: lastPath, module: model, optimizer: optimizer, ema: ema)
        step = savedStep
        if let state = metadata["data_state"] { try training.restore(state) }
        if let best = metadata["best_gap"].flatMap(Double.init) { bestGAP = best }
        if FileManager.default.fileExists(atPath: logPath) {
            let saved = try MetricsLog.load(from: logPath)
            for row in saved.rows where row.step <= step { log.record(step: row.step, row.values) }
        }
        return true
    }

    /// Trains up to `config.steps`, validating every `validateEvery` steps.
    public func run(training: BatchSource, validation: BatchSource?, progress: ProgressReporter? = nil) throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let reporter = progress ?? ProgressReporter(totalSteps: config.steps, interval: config.progressInterval)
        model.train()
        var lastGAP: Double? = nil
        while step < config.steps {
            guard var batch = try training.nextBatch() else { break }
            if var m = mixup {
                let mixed = m(inputs: [batch.input.features] + (batch.teacher.map { [$0] } ?? []), targets: batch.labels)
                mixup = m
                batch.input.features = mixed.inputs[0]
                batch.labels = mixed.targets
                if batch.teacher != nil { batch.teacher = mixed.inputs[1] }
            }
            optimizer.zeroGrad()
            let l = loss(model(batch.input), batch)
            l.backward()
            if let c = config.clipNorm { GradientClipping.clipByGlobalNorm(model.trainableParameters, maxNorm: c) }
            optimizer.learningRate = learningRate(step: step, batchSize: batch.input.batchSize)
            optimizer.update()
            step += 1
            ema?.update(step: step)
            let value = l.scalar
            log.record(step: step, ["train_loss": value, "learning_rate": optimizer.learningRate])
            if step % config.validateEvery == 0 || step == config.steps {
                if let validation {
                    let result = try evaluate(on: validation, maxBatches: config.validationBatches)
                    lastGAP = result.globalAveragePrecision
                    log.record(step: step, ["val_gap": result.globalAveragePrecision, "val_map": result.meanAveragePrecision,
                                            "val_hit1": result.hitAtOne, "val_perr": result.precisionAtEqualRecallRate])
                    if result.globalAveragePrecision > bestGAP {
                        bestGAP = result.globalAveragePrecision
                        try saveCheckpoint(to: bestPath, training: training, averaged: true)
                    }
                }
                try saveCheckpoint(to: lastPath, training: training, averaged: false)
                try log.save(to: logPath)
            }
            reporter.step(step, batchSize: batch.input.batchSize, loss: value, validationGAP: lastGAP)
        }
        try log.save(to: logPath)
        try log.curvePlot(title: "\(checkpointMetadata["model"] ?? "model") — \(config.loss)").save(to: directory + "/training-curves.svg")
    }

    /// GAP@20, MAP, Hit@1 and PERR of the model (with EMA weights when
    /// averaging has started) over a pass of `source`.
    public func evaluate(on source: BatchSource, maxBatches: Int? = nil) throws -> EvaluationResult {
        ema?.swapIn()
        defer { ema?.swapOut() }
        return try Trainer.evaluate(model, on: source, maxBatches: maxBatches)
    }

    /// GAP@20, MAP, Hit@1 and PERR of `model` over one pass of `source`.
    public static func evaluate(_ model: any ZooModel, on source: BatchSource, maxBatches: Int? = nil) throws -> EvaluationResult {
        let wasTraining = model.isTraining
        model.eval()
        defer { if wasTraining { model.train() } }
        try source.reset()
        var metrics = EvaluationMetrics(numClasses: model.numClasses)
        var n = 0
        while maxBatches.map({ n < $0 }) ?? true, let batch = try source.nextBatch() {
            let p = withoutGrad { model(batch.input).probabilities }
            try metrics.accumulate(predictions: p.floats, labels: batch.labelIndices)
            n += 1
        }
        return metrics.result()
    }

    /// GAP@20 etc. of a predictor that ignores the input and scores every
    /// video with the per-class label frequencies of `source` itself (the
    /// best such constant predictor can do no better than this on `source`).
    public static func labelFrequencyBaseline(on source: BatchSource, numClasses: Int) throws -> EvaluationResult {
        try source.reset()
        var counts = [Double](repeating: 0, count: numClasses), videos = 0
        var labels: [[Int]] = []
        while let b = try source.nextBatch() {
            for l in b.labelIndices { for c in l { counts[c] += 1 }; labels.append(l) }
            videos += b.ids.count
        }
        let prior = counts.map { Float($0 / Double(max(videos, 1))) }
        var metrics = EvaluationMetrics(numClasses: numClasses)
        try metrics.accumulate(predictions: Array(repeating: prior, count: labels.count).flatMap { $0 }, labels: labels)
        return metrics.result()
    }

    /// Saves the run; `averaged` stores the EMA weights as the model (for
    /// the best checkpoint that prediction loads), otherwise the live weights
    /// with the EMA shadow alongside (for resuming).
    func saveCheckpoint(to path: String, training: BatchSource, averaged: Bool) throws {
        var meta = checkpointMetadata
        meta[Trainer.optimizerKey] = config.optimizer.rawValue
        meta["data_state"] = training.resumeState
        meta["best_gap"] = String(bestGAP)
        if averaged, let ema, ema.isStarted {
            ema.swapIn()
            defer { ema.swapOut() }
            try Checkpoint.save(to: path, module: model, step: step, metadata: meta)
        } else {
            try Checkpoint.save(to: path, module: model, optimizer: optimizer, ema: ema, step: step, metadata: meta)
        }
    }
}

/// Why a training run cannot go on.
public enum TrainingError: Error, CustomStringConvertible, Equatable {
    /// The directory's last checkpoint holds another optimizer's state.
    case optimizerMismatch(checkpoint: String, saved: String, requested: String)

    public var description: String {
        switch self {
        case .optimizerMismatch(let path, let saved, let requested):
            return "\(path) was trained with \(saved) and cannot resume with \(requested): use --optimizer \(saved), or --restart to start over"
        }
    }
}
