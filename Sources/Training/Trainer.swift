import FileIO
import Foundation
import Metrics
import NN
import Tensor
import Zoo

/// Trains a zoo model: the step (objective, backward, clipping, scheduled
/// learning rate, optimizer, EMA) and the state a resume needs; everything
/// around the step is a ``TrainingCallback``.
///
/// The parts come from the configuration unless given: the objective from
/// ``TrainingConfig/loss`` (``TrainingObjective``), the learning rate from
/// ``TrainingConfig/learningRateSchedule(batchSize:)`` (NN's schedules), the
/// optimizer from ``TrainingConfig/optimizer``, and the callbacks from
/// ``standardCallbacks(for:)``: checkpoints `<dir>/last.safetensors` at every
/// validation and `<dir>/best.safetensors` when validation GAP improves,
/// `<dir>/metrics.csv`, `<dir>/training-curves.svg`, and early stopping when
/// the configuration asks for it.
///
/// The trainer owns every random stream of a run and checkpoints it: the
/// data order and frame sampling (the batch source's position), dropout (its
/// generator is a buffer of the model), and mixup. A checkpoint also stores
/// the full training configuration; a run started on a directory that holds
/// a `last.safetensors` resumes from it with the same step, weights,
/// optimizer state, EMA shadow and random streams, and refuses a
/// configuration that would train differently.
public final class Trainer {
    /// The model being trained.
    public let model: any ZooModel
    /// The run's configuration, stored in every checkpoint.
    public let config: TrainingConfig
    /// Where checkpoints, the metrics log and the plot go.
    public let directory: String
    /// The loss of each batch (from ``TrainingConfig/loss`` unless given).
    public let objective: TrainingObjective
    /// The optimizer over the model's parameters (``TrainingConfig/optimizer``, with the configured learning rate and weight decay).
    public let optimizer: any Optimizer
    /// The moving average of the weights, when ``TrainingConfig/emaRate`` is set.
    public let ema: ExponentialMovingAverage?
    /// Called in order at each event of a run.
    public var callbacks: [any TrainingCallback]
    /// Every metric of the run by step (`train_loss`, `learning_rate`, `val_gap`, …).
    public let log = MetricsLog()
    /// Steps done.
    public private(set) var step = 0
    /// The best validation GAP so far (−∞ before the first validation).
    public private(set) var bestGAP = -Double.infinity
    /// Batches skipped because their loss or gradient was not finite
    /// (``TrainingConfig/skipNonFiniteBatches``), over the whole run.
    public private(set) var skippedBatches = 0
    /// With ``TrainingConfig/skipNonFiniteBatches``, this many non-finite
    /// batches in a row stop the run anyway: the model itself has gone bad.
    public static let maxConsecutiveSkippedBatches = 100
    /// Extra metadata stored in checkpoints (model name, configuration).
    public var checkpointMetadata: [String: String] = [:]
    /// The whole global batch that a share of it belongs to, for what must
    /// see every video of it (mixup pairs videos across the global batch);
    /// nil when batches are whole. Data parallelism gathers it from the ranks.
    public var globalBatch: ((TrainingBatch) throws -> TrainingBatch)?
    /// The mean loss of the step being taken, from the backward pass until
    /// the update: this process's batch, which a `gradientsDidCompute`
    /// callback may replace by the global batch's (data parallelism does),
    /// so the log, the progress line and the non-finite check see that.
    public var stepLoss = 0.0
    /// How validation passes are scored: this process alone by default; the
    /// Distributed module's data parallelism shares the batches between ranks.
    public var evaluation: any ModelEvaluation = LocalEvaluation()
    private var mixup: Mixup?
    private var stopRequested = false
    /// The source being trained on during ``run(training:validation:progress:)``, whose position checkpoints record.
    private var training: BatchSource?

    /// A trainer for `model` with the configuration's objective (or `objective`)
    /// and the standard callbacks (or `callbacks`).
    public init(model: any ZooModel, config: TrainingConfig, directory: String,
                objective: TrainingObjective? = nil, callbacks: [any TrainingCallback]? = nil) {
        self.model = model
        self.config = config
        self.directory = directory
        self.objective = objective ?? TrainingObjective(config.loss)
        optimizer = config.optimizer.make(model, learningRate: config.learningRate, weightDecay: config.weightDecay)
        ema = config.emaRate.map { ExponentialMovingAverage(model, rate: $0, startStep: config.emaStartStep) }
        mixup = config.mixupAlpha.map { Mixup(alpha: $0, seed: config.seed &+ 17) }
        self.callbacks = callbacks ?? Trainer.standardCallbacks(for: config)
    }

    /// The claim on the directory, the metrics CSV, the curve plot,
    /// checkpoints, TensorBoard events when `config.tensorBoard`, and early
    /// stopping when `config.earlyStoppingPatience` is set, in that order.
    /// The checkpoint comes after the logs because it is the commit point: a
    /// run killed between the two resumes from the older checkpoint and keeps
    /// only the log rows up to it, so metrics.csv never misses a row.
    public static func standardCallbacks(for config: TrainingConfig) -> [any TrainingCallback] {
        var callbacks: [any TrainingCallback] = [RunDirectoryClaim(), MetricsCSVWriter(), CurvePlotWriter(), CheckpointWriter()]
        if config.tensorBoard { callbacks.append(TensorBoardWriter()) }
        if let patience = config.earlyStoppingPatience { callbacks.append(EarlyStopping(patience: patience)) }
        return callbacks
    }

    /// The checkpoint a resume starts from.
    public var lastCheckpointPath: String { directory + "/last.safetensors" }
    /// The checkpoint with the best validation GAP (EMA weights once averaging has started).
    public var bestCheckpointPath: String { directory + "/best.safetensors" }
    /// The metrics log.
    public var metricsPath: String { directory + "/metrics.csv" }

    /// Checkpoint metadata keys.
    enum MetadataKey {
        static let optimizer = "optimizer"
        static let trainingConfig = "training_config"
        static let dataState = "data_state"
        static let mixupState = "mixup_state"
        static let bestGAP = "best_gap"
        static let skippedBatches = "skipped_batches"
    }

    /// Asks the run to stop after the current event (early stopping, a signal, another rank's failure).
    public func requestStop() { stopRequested = true }

    /// Restores the last checkpoint of the directory, if any; returns whether it did.
    /// Throws ``TrainingError`` when the checkpoint was trained with another
    /// optimizer or a configuration that would train differently.
    @discardableResult
    public func resumeIfPossible(training: BatchSource) throws -> Bool {
        guard FileManager.default.fileExists(atPath: lastCheckpointPath) else { return false }
        let stored = try SafeTensors.readMetadata(lastCheckpointPath)
        let saved = stored[MetadataKey.optimizer] ?? OptimizerKind.adam.rawValue
        guard saved == config.optimizer.rawValue else {
            throw TrainingError.optimizerMismatch(checkpoint: lastCheckpointPath, saved: saved, requested: config.optimizer.rawValue)
        }
        if let json = stored[MetadataKey.trainingConfig] {
            guard let savedConfig = try? TrainingConfig.decodeStored(json) else {
                throw TrainingError.unreadableCheckpointField(checkpoint: lastCheckpointPath, field: MetadataKey.trainingConfig)
            }
            let differing = savedConfig.fieldsThatChangeTraining(comparedWith: config)
            guard differing.isEmpty else {
                throw TrainingError.configurationMismatch(checkpoint: lastCheckpointPath, fields: differing)
            }
        }
        let (savedStep, metadata) = try Checkpoint.load(from: lastCheckpointPath, module: model, optimizer: optimizer, ema: ema)
        guard savedStep >= 0 else {
            throw TrainingError.unreadableCheckpointField(checkpoint: lastCheckpointPath, field: "step \(savedStep)")
        }
        step = savedStep
        if let state = metadata[MetadataKey.dataState] { try training.restore(state) }
        if let best = metadata[MetadataKey.bestGAP].flatMap(Double.init) { bestGAP = best }
        if let skipped = metadata[MetadataKey.skippedBatches].flatMap(Int.init) { skippedBatches = skipped }
        if let hex = metadata[MetadataKey.mixupState], mixup != nil {
            guard let bytes = Trainer.bytes(hex: hex), bytes.count == 32 else {
                throw TrainingError.unreadableCheckpointField(checkpoint: lastCheckpointPath, field: MetadataKey.mixupState)
            }
            mixup?.generatorState = bytes
        }
        if FileManager.default.fileExists(atPath: metricsPath) {
            log.keepRows(of: try MetricsLog.load(from: metricsPath), upTo: step)
        }
        return true
    }

    /// Trains up to `config.steps` (or until a callback asks to stop),
    /// validating every `validateEvery` steps and at the end. `progress`
    /// (a line on standard error every `config.progressInterval` seconds by
    /// default) is fed by a ``ProgressCallback`` for this run.
    public func run(training: BatchSource, validation: BatchSource?, progress: ProgressReporter? = nil) throws {
        try createDirectories(directory)
        let reporter = progress ?? ProgressReporter(totalSteps: config.steps, interval: config.progressInterval)
        let callbacks = self.callbacks + [ProgressCallback(reporter)]
        self.training = training
        defer { self.training = nil }
        do {
            try run(training: training, validation: validation, callbacks: callbacks)
        } catch {
            for c in callbacks { c.trainingDidFail(self, error: error) }
            throw error
        }
    }

    private func run(training: BatchSource, validation: BatchSource?, callbacks: [any TrainingCallback]) throws {
        stopRequested = false
        model.train()
        for c in callbacks { try c.trainingWillStart(self) }
        var schedule: LearningRateSchedule?
        var batches = 0, skippedInARow = 0
        while step < config.steps && !stopRequested {
            let stepStart = MonotonicClock.seconds()
            let fetched = try training.nextBatch()
            // Only the wait for the source counts as data wait: a prefetching
            // reader that keeps ahead of the step makes this near zero.
            let dataSeconds = MonotonicClock.seconds() - stepStart
            guard var batch = fetched else {
                if batches == 0 { throw TrainingError.noTrainingExamples(step: step) }
                break
            }
            batches += 1
            if batches == 1 {
                if batch.hasNoLabels { throw TrainingError.unlabelledData(videos: Array(batch.ids.prefix(8))) }
                if batch.labelWeights != nil {
                    if !objective.acceptsLabelWeights { throw TrainingError.labelWeightsNotSupported(by: "the \(objective.name) loss") }
                    if mixup != nil { throw TrainingError.labelWeightsNotSupported(by: "mixup") }
                }
            }
            if var m = mixup {
                // Partners and λ are drawn over the global batch, whichever share of it this process trains.
                let whole = try globalBatch?(batch) ?? batch
                var mixedBatch = whole
                let mixed = m(inputs: [whole.input.features] + (whole.teacher.map { [$0] } ?? []), targets: whole.labels)
                mixup = m
                mixedBatch.input.features = mixed.inputs[0]
                mixedBatch.labels = mixed.targets
                if whole.teacher != nil { mixedBatch.teacher = mixed.inputs[1] }
                batch = whole.count == batch.count ? mixedBatch : mixedBatch.selecting(batch.rows)
            }
            let learningRate = (schedule ?? {
                let s = config.learningRateSchedule(batchSize: batch.input.batchSize)
                schedule = s
                return s
            }())(step)
            optimizer.zeroGrad()
            stepLoss = try accumulateGradients(batch)
            for c in callbacks { try c.gradientsDidCompute(self) }
            let value = stepLoss
            // Checked after the callbacks, so under data parallelism every rank
            // sees the same averaged gradient and takes the same decision.
            if let problem = nonFiniteProblem(loss: value, batch: batch) {
                guard config.skipNonFiniteBatches else { throw problem }
                skippedInARow += 1
                skippedBatches += 1
                optimizer.zeroGrad()
                guard skippedInARow < Trainer.maxConsecutiveSkippedBatches else {
                    throw TrainingError.tooManySkippedBatches(step: step, count: skippedInARow, last: problem)
                }
                continue
            }
            skippedInARow = 0
            // The norm before clipping: what tells a vanishing or exploding gradient.
            let gradientNorm = config.clipNorm.map { GradientClipping.clipByGlobalNorm(model.trainableParameters, maxNorm: $0) }
                ?? GradientClipping.globalNorm(model.trainableParameters)
            optimizer.learningRate = learningRate
            optimizer.update()
            step += 1
            ema?.update(step: step)
            // Timed before validation, so a validation point does not show as a slow step.
            let report = StepReport(step: step, loss: value, learningRate: learningRate, gradientNorm: gradientNorm,
                                    batchSize: batch.input.batchSize, seconds: MonotonicClock.seconds() - stepStart,
                                    dataSeconds: dataSeconds)
            let timing = Throughput(report)
            log.record(step: step, ["train_loss": value, "learning_rate": learningRate, "grad_norm": gradientNorm])
            // Recorded apart so the timing columns come after the training ones.
            log.record(step: step, [MetricsLog.examplesPerSecond: timing.examplesPerSecond,
                                    MetricsLog.dataWaitFraction: timing.dataWaitFraction])
            if skippedBatches > 0 { log.record(step: step, ["skipped_batches": Double(skippedBatches)]) }
            if step % config.validateEvery == 0 || step == config.steps {
                try validationPoint(validation, callbacks)
            }
            for c in callbacks { try c.stepDidEnd(self, report) }
        }
        if stopRequested && step % config.validateEvery != 0 && step != config.steps {
            try validationPoint(validation, callbacks)          // a stop between validation points still checkpoints
        }
        for c in callbacks { try c.trainingDidEnd(self) }
    }

    /// Forward and backward passes of `batch` in `config.accumulationSteps`
    /// strided micro-batches, leaving in the parameters' `.grad` the gradient
    /// of this batch's share of the global batch's mean loss; returns the
    /// mean loss of this batch. Each micro-batch's mean loss is weighted by
    /// its videos' fraction of the global batch (``TrainingBatch/globalCount``:
    /// the batch itself on one process, exactly 1 for a whole batch), and the
    /// gradients are summed in micro-batch order, as data-parallel ranks sum
    /// theirs. Throws before any update when a loss is not finite.
    private func accumulateGradients(_ batch: TrainingBatch) throws -> Double {
        let parts = config.accumulationSteps
        let micro = parts == 1 ? [batch] : (0..<parts).map { batch.share($0, of: parts) }.filter { $0.count > 0 }
        var total = 0.0
        for m in micro {
            // Random layers key their draws by the step and each example's row of the global batch.
            var l = ExampleRows.with(m.rows, pass: UInt64(step)) { objective.loss(model(m.input), m) }
            let value = l.scalar
            guard value.isFinite else {
                if config.skipNonFiniteBatches { return value }   // the batch is skipped; no backward pass needed
                throw TrainingError.nonFiniteLoss(step: step + 1, loss: value, videos: Array(m.ids.prefix(8)))
            }
            let weight = Double(m.count) / Double(m.globalCount)
            if weight != 1 { l = l * weight }
            total += value * Double(m.count) / Double(batch.count)
            l.backward()
        }
        return total
    }

    /// Why the step about to be taken must not be (a non-finite loss, or the
    /// first parameter by name whose gradient holds NaN or ±∞), or nil.
    private func nonFiniteProblem(loss: Double, batch: TrainingBatch) -> TrainingError? {
        let videos = Array(batch.ids.prefix(8))
        guard loss.isFinite else { return .nonFiniteLoss(step: step + 1, loss: loss, videos: videos) }
        for (name, p) in model.namedParameters() {
            if let g = p.grad, g.nonFiniteCount > 0 {
                return .nonFiniteGradient(step: step + 1, parameter: name, count: g.nonFiniteCount, videos: videos)
            }
        }
        return nil
    }

    /// Scores the validation set (if any), updates the best GAP and tells the callbacks.
    private func validationPoint(_ validation: BatchSource?, _ callbacks: [any TrainingCallback]) throws {
        var result: EvaluationResult?
        var improved = false
        if let validation {
            let r = try evaluate(on: validation, maxBatches: config.validationBatches)
            result = r
            log.record(step: step, ["val_gap": r.globalAveragePrecision, "val_map": r.meanAveragePrecision,
                                    "val_hit1": r.hitAtOne, "val_perr": r.precisionAtEqualRecallRate])
            if r.globalAveragePrecision > bestGAP {
                bestGAP = r.globalAveragePrecision
                improved = true
            }
        }
        for c in callbacks { try c.validationDidEnd(self, result, improved: improved) }
    }

    /// GAP@20, MAP, Hit@1 and PERR of the model (with EMA weights when
    /// averaging has started) over a pass of `source`.
    public func evaluate(on source: BatchSource, maxBatches: Int? = nil) throws -> EvaluationResult {
        ema?.swapIn()
        defer { ema?.swapOut() }
        return try evaluation.evaluate(model, on: source, maxBatches: maxBatches)
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
            try metrics.accumulate(predictions: batch.weighted(p.floats), labels: batch.labelIndices)
            n += 1
        }
        try metrics.requireLabels()
        return metrics.result()
    }

    /// GAP@20 etc. of a predictor that ignores the input and scores every
    /// video with the per-class label frequencies of `source` itself (the
    /// best such constant predictor can do no better than this on `source`).
    public static func labelFrequencyBaseline(on source: BatchSource, numClasses: Int) throws -> EvaluationResult {
        try source.reset()
        var counts = [Double](repeating: 0, count: numClasses), videos = 0
        var labels: [[Int]] = []
        // With label weights, the classes each example was rated for (the others score 0, as in evaluation).
        var rated: [[Int]?] = []
        while let b = try source.nextBatch() {
            for l in b.labelIndices { for c in l { counts[c] += 1 }; labels.append(l) }
            videos += b.ids.count
            let w = b.labelWeights?.floats
            rated += (0..<b.count).map { i in w.map { w in (0..<numClasses).filter { w[i * numClasses + $0] > 0 } } }
        }
        let prior = counts.map { Float($0 / Double(max(videos, 1))) }
        var predictions = [Float]()
        predictions.reserveCapacity(labels.count * numClasses)
        for r in rated {
            guard let r else { predictions += prior; continue }
            var row = [Float](repeating: 0, count: numClasses)
            for c in r { row[c] = prior[c] }
            predictions += row
        }
        var metrics = EvaluationMetrics(numClasses: numClasses)
        try metrics.accumulate(predictions: predictions, labels: labels)
        return metrics.result()
    }

    /// Saves the run to `path`; `averaged` stores the EMA weights as the model
    /// (for the best checkpoint that prediction loads), otherwise the live
    /// weights with the optimizer state and EMA shadow alongside (for
    /// resuming). Either way the metadata holds the training configuration,
    /// the data position and the mixup generator.
    public func saveCheckpoint(to path: String, averaged: Bool) throws {
        var meta = checkpointMetadata
        meta[MetadataKey.optimizer] = config.optimizer.rawValue
        meta[MetadataKey.trainingConfig] = String(decoding: try JSONEncoder.sorted.encode(config), as: UTF8.self)
        if let training { meta[MetadataKey.dataState] = training.resumeState }
        if let mixup { meta[MetadataKey.mixupState] = Trainer.hex(mixup.generatorState) }
        meta[MetadataKey.bestGAP] = String(bestGAP)
        if skippedBatches > 0 { meta[MetadataKey.skippedBatches] = String(skippedBatches) }
        if averaged, let ema, ema.isStarted {
            ema.swapIn()
            defer { ema.swapOut() }
            try Checkpoint.save(to: path, module: model, step: step, metadata: meta)
        } else {
            try Checkpoint.save(to: path, module: model, optimizer: optimizer, ema: ema, step: step, metadata: meta)
        }
    }

    static func hex(_ bytes: [UInt8]) -> String { bytes.map { String(format: "%02x", $0) }.joined() }

    static func bytes(hex: String) -> [UInt8]? {
        let chars = Array(hex.utf8)
        guard chars.count % 2 == 0 else { return nil }
        var out: [UInt8] = []
        for i in stride(from: 0, to: chars.count, by: 2) {
            guard let b = UInt8(String(decoding: chars[i..<(i + 2)], as: UTF8.self), radix: 16) else { return nil }
            out.append(b)
        }
        return out
    }
}

extension JSONEncoder {
    /// An encoder with sorted keys, so the same value always gives the same text.
    static var sorted: JSONEncoder {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys]
        return e
    }
}

extension TrainingConfig {
    /// The fields of `other` that differ from this configuration and would
    /// make a resumed run train differently from an uninterrupted one
    /// (everything but the step count, validation cadence and progress interval).
    func fieldsThatChangeTraining(comparedWith other: TrainingConfig) -> [String] {
        var a = self, b = other
        a.steps = 0; b.steps = 0
        a.validateEvery = 1; b.validateEvery = 1
        a.progressInterval = 0; b.progressInterval = 0
        a.validationBatches = nil; b.validationBatches = nil
        a.earlyStoppingPatience = nil; b.earlyStoppingPatience = nil
        a.tensorBoard = false; b.tensorBoard = false
        guard let ja = try? JSONSerialization.jsonObject(with: JSONEncoder.sorted.encode(a)) as? [String: Any],
              let jb = try? JSONSerialization.jsonObject(with: JSONEncoder.sorted.encode(b)) as? [String: Any] else { return [] }
        return Set(ja.keys).union(jb.keys).sorted().filter { key in
            guard let x = ja[key], let y = jb[key] else { return (ja[key] == nil) != (jb[key] == nil) }
            let text = { (v: Any) in try? JSONSerialization.data(withJSONObject: ["v": v], options: [.sortedKeys]) }
            return text(x) != text(y)
        }
    }
}

/// How a validation pass is scored: GAP@20, MAP, Hit@1 and PERR of a model
/// over one pass of a source (at most `maxBatches` batches).
public protocol ModelEvaluation {
    /// The metrics of `model` (put in evaluation mode for the pass) over one pass of `source`.
    func evaluate(_ model: any ZooModel, on source: BatchSource, maxBatches: Int?) throws -> EvaluationResult
    /// Every video of one pass of `source`, in the pass's order, with the
    /// `topK` classes `model` scores highest, best first (a Kaggle submission's rows).
    func rankedPredictions(_ model: any ZooModel, on source: BatchSource, topK: Int) throws -> [KaggleSubmission.Row]
}

/// This process scores every batch: ``Trainer/evaluate(_:on:maxBatches:)``.
public struct LocalEvaluation: ModelEvaluation {
    /// The local evaluation.
    public init() {}

    /// ``Trainer/evaluate(_:on:maxBatches:)``.
    public func evaluate(_ model: any ZooModel, on source: BatchSource, maxBatches: Int?) throws -> EvaluationResult {
        try Trainer.evaluate(model, on: source, maxBatches: maxBatches)
    }

    /// Each video's `topK` best classes, from ``forEachPrediction(of:on:_:)``.
    public func rankedPredictions(_ model: any ZooModel, on source: BatchSource, topK: Int) throws -> [KaggleSubmission.Row] {
        try source.reset()
        var rows: [KaggleSubmission.Row] = []
        try forEachPrediction(of: model, on: source) { id, scores in
            rows.append(KaggleSubmission.Row(videoID: id, predictions: TopKSelection.select(Array(scores), k: topK)))
        }
        return rows
    }
}

/// Why a training run cannot go on.
public enum TrainingError: Error, CustomStringConvertible, Equatable {
    /// The directory's last checkpoint holds another optimizer's state.
    case optimizerMismatch(checkpoint: String, saved: String, requested: String)
    /// Resuming with these configuration fields changed would not continue the same run.
    case configurationMismatch(checkpoint: String, fields: [String])
    /// A field of the checkpoint's metadata cannot be read.
    case unreadableCheckpointField(checkpoint: String, field: String)
    /// The loss of a step is NaN or infinite (bad features, or a learning rate that diverges).
    case nonFiniteLoss(step: Int, loss: Double, videos: [String])
    /// The gradient of a parameter holds `count` NaN or infinite values.
    case nonFiniteGradient(step: Int, parameter: String, count: Int, videos: [String])
    /// With skipping on, `count` batches in a row were not finite (the last one's problem given).
    indirect case tooManySkippedBatches(step: Int, count: Int, last: TrainingError)
    /// The training data gave no batch at all (no records, or files that are empty).
    case noTrainingExamples(step: Int)
    /// The first training batch has no labels at all (records without a `labels` feature, such as a test split).
    case unlabelledData(videos: [String])
    /// The training data has label weights (segment labels) and `by` (a loss, or mixup) cannot honour them.
    case labelWeightsNotSupported(by: String)

    /// The problem in words, naming what was wrong and where.
    public var description: String {
        switch self {
        case .optimizerMismatch(let path, let saved, let requested):
            return "\(path) was trained with \(saved) and cannot resume with \(requested): use --optimizer \(saved), or --restart to start over"
        case .configurationMismatch(let path, let fields):
            return "\(path) was trained with other values of \(fields.joined(separator: ", ")); resuming with them changed would not continue the same run: use the original values, or --restart to start over"
        case .unreadableCheckpointField(let path, let field):
            return "\(path): checkpoint field \(field) cannot be read"
        case .nonFiniteLoss(let step, let loss, let videos):
            return "step \(step): the loss is \(loss) (videos \(TrainingError.list(videos))); no update was applied: check the features and the learning rate, or skip such batches with --skip-non-finite"
        case .nonFiniteGradient(let step, let parameter, let count, let videos):
            return "step \(step): the gradient of \(parameter) has \(count) non-finite values (videos \(TrainingError.list(videos))); no update was applied: lower the learning rate or clip the gradient norm, or skip such batches with --skip-non-finite"
        case .tooManySkippedBatches(let step, let count, let last):
            return "step \(step): \(count) batches in a row were skipped as non-finite; the run stops (last: \(last))"
        case .noTrainingExamples(let step):
            return "the training data gave no examples at step \(step): the files hold no records"
        case .unlabelledData(let videos):
            return "the training records have no labels (videos \(TrainingError.list(videos))): a test split cannot be trained on"
        case .labelWeightsNotSupported(let what):
            return "the training data weights its labels (segment labels: only rated classes count) and \(what) cannot honour label weights: train with the bce loss and without mixup"
        }
    }

    static func list(_ videos: [String]) -> String {
        videos.joined(separator: ", ") + (videos.count == 8 ? ", …" : "")
    }
}
