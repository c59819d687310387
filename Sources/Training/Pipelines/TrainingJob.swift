import Foundation
import Metrics
import NN
import Tensor
import YT8MData
import Zoo

/// How a training run is shared with other processes, for ``TrainingJob``:
/// which part of the global training stream this process trains on and
/// which callbacks it runs. The Distributed module's data parallelism is
/// one; Training itself knows nothing of MPI.
public protocol TrainingTopology {
    /// The stream this process trains on, given the global one.
    func trainingSource(_ global: BatchSource) throws -> BatchSource
    /// The run's callbacks in place of ``Trainer/standardCallbacks(for:)``;
    /// `fingerprint` describes the model, for processes to check they agree.
    func callbacks(for config: TrainingConfig, training: BatchSource, fingerprint: String) -> [any TrainingCallback]
    /// Whether this process writes the files a pipeline makes besides the
    /// trainer's (soft-labelled records): one process of the group does.
    var writesFiles: Bool { get }
    /// Waits until every process of the group has come here, so files the
    /// writing process has just made are complete when any process reads them.
    func synchronize() throws
}

/// One training run of a zoo model on TFRecord files: the datasets the
/// recipe asks for (training stream, deterministic validation pass), the
/// trainer with its checkpoints in `directory`, resuming, and the final
/// validation score. `yt8m train` is one job; distillation runs one per
/// teacher and per student.
public struct TrainingJob {
    /// The model and configuration to build.
    public var spec: ModelSpec
    /// Training records, read shuffled and endlessly.
    public var trainFiles: [String]
    /// Validation records; empty for no validation (no best checkpoint, no final score).
    public var validationFiles: [String]
    /// Format of the records.
    public var format: YT8MRecordFormat
    /// Steps, optimizer, loss, schedule and validation interval.
    public var config: TrainingConfig
    /// Videos per batch.
    public var batchSize: Int
    /// How training reads frames (frame-level models without frame statistics).
    public var frames: FrameSampling
    /// Where the checkpoints, metrics.csv and training-curves.svg go.
    public var directory: String
    /// Seed of the initialisation and the data order.
    public var seed: UInt64
    /// Read teacher predictions from this context feature (distillation), or nil.
    public var teacherKey: String?
    /// Train and validate on the files' segment ratings instead of their video
    /// labels: each rated segment is an example (``RatedSegmentBatchSource``),
    /// `batchSize` segments per batch, unrated classes weighted 0. Needs a
    /// frame-level model and the 2019 segment-rated files.
    public var segmentLabels: Bool
    /// A checkpoint whose weights the model starts from instead of a random
    /// initialisation (fine-tuning); it must hold the same model. A run that
    /// resumes takes its own last checkpoint instead.
    public var initialWeights: String?
    /// How the final classifier's bias starts when the run starts afresh:
    /// as built, or at the label frequencies of the first
    /// `LabelPrior.defaultMaxVideos` videos of ``trainFiles``
    /// (`ZooModel.initializeOutputBias(toPrior:)`). A run that resumes keeps
    /// its checkpoint's weights and one that starts from ``initialWeights``
    /// keeps those; with ``segmentLabels`` the bias stays as built (the video
    /// labels' frequencies are not the rated segments').
    public var outputBias: OutputBiasInitialization

    /// A job; see the properties.
    public init(spec: ModelSpec, trainFiles: [String], validationFiles: [String], format: YT8MRecordFormat,
                config: TrainingConfig, batchSize: Int, frames: FrameSampling, directory: String,
                seed: UInt64 = 0, teacherKey: String? = nil, segmentLabels: Bool = false, initialWeights: String? = nil,
                outputBias: OutputBiasInitialization = .asBuilt) {
        self.spec = spec
        self.trainFiles = trainFiles
        self.validationFiles = validationFiles
        self.format = format
        self.config = config
        self.batchSize = batchSize
        self.frames = frames
        self.directory = directory
        self.seed = seed
        self.teacherKey = teacherKey
        self.segmentLabels = segmentLabels
        self.initialWeights = initialWeights
        self.outputBias = outputBias
    }

    /// What a run gives back.
    public struct Result {
        /// The trained network (the last step's weights, not the best checkpoint's).
        public let model: any ZooModel
        /// The metrics on the validation files after the last step (EMA weights
        /// when averaging has started); nil without validation files.
        public let validation: EvaluationResult?
        /// The step the run resumed from, or nil when it started afresh.
        public let resumedStep: Int?
    }

    /// Builds the model and trains it for `config.steps` steps, resuming from
    /// the checkpoint in `directory` when `resume` and there is one.
    /// - Parameters:
    ///   - resume: continue from the run directory's last checkpoint when there is one.
    ///   - callbacks: run after the trainer's standard ones (checkpoints, metrics, plot, early stopping).
    ///   - progress: gets ``PipelineEvent/resumed(directory:step:)`` or
    ///     ``PipelineEvent/outputBiasInitialized(videos:)``, and the trainer's
    ///     ``PipelineEvent/training(line:)`` lines; nil runs silently.
    ///   - topology: how the run is shared with other processes
    ///     (the Distributed module's data parallelism); nil trains alone.
    public func run(resume: Bool = true, callbacks: [any TrainingCallback] = [], progress: PipelineProgress? = nil,
                    topology: (any TrainingTopology)? = nil) throws -> Result {
        let entry = try ModelZoo.entry(named: spec.model)
        try checkSegmentLabels()
        let network = try initialWeights.map { try initialModel(from: $0) } ?? spec.build(seed: seed)
        // A segment is cut from its video's frames in order, so segment training reads them all.
        let trainOptions = entry.trainingOptions(format: format, batchSize: batchSize, frames: segmentLabels ? .all : frames,
                                                 maxFrames: spec.maxFrames, seed: seed, teacherKey: teacherKey)
        let videos = DatasetBatchSource(try YT8MDataset(files: trainFiles, options: trainOptions), repeats: true)
        let globalSource: BatchSource = segmentLabels ? RatedSegmentBatchSource(videos: videos, segmentsPerBatch: batchSize) : videos
        let trainSource = try topology?.trainingSource(globalSource) ?? globalSource
        let validationSource = try validationFiles.isEmpty ? nil : evaluationSource(validationFiles)

        let trainer = Trainer(model: network, config: config, directory: directory,
                              callbacks: topology?.callbacks(for: config, training: trainSource, fingerprint: spec.json))
        trainer.callbacks += callbacks
        trainer.checkpointMetadata = ["model": spec.model, "model_spec": spec.json]
        var resumed: Int? = nil
        if resume, try trainer.resumeIfPossible(training: trainSource) {
            resumed = trainer.step
            progress?(.resumed(directory: directory, step: trainer.step))
        } else if initialWeights == nil, outputBias == .labelPrior, !segmentLabels {
            // Every process reads the same files in the same order, so all start from the same bias.
            let prior = try LabelPrior(files: trainFiles, format: format, skipCorrupt: trainOptions.skipCorruptRecords)
            network.initializeOutputBias(toPrior: prior.probabilities)
            progress?(.outputBiasInitialized(videos: prior.videos))
        }
        try trainer.run(training: trainSource, validation: validationSource,
                        progress: trainingReporter(config, progress))
        let result = try validationSource.map { try trainer.evaluate(on: $0) }
        return Result(model: network, validation: result, resumedStep: resumed)
    }

    /// One deterministic pass over `files` (every frame, up to the spec's max),
    /// reset before each validation: their videos, or with ``segmentLabels``
    /// their rated segments.
    public func evaluationSource(_ files: [String]) throws -> BatchSource {
        let entry = try ModelZoo.entry(named: spec.model)
        let options = entry.evaluationOptions(format: format, batchSize: batchSize, maxFrames: spec.maxFrames, epochs: nil)
        let videos = DatasetBatchSource(try YT8MDataset(files: files, options: options), repeats: false)
        return segmentLabels ? RatedSegmentBatchSource(videos: videos, segmentsPerBatch: batchSize) : videos
    }

    /// With ``segmentLabels``, refuses what cannot train on segments before
    /// any work: a model that does not read frames
    /// (``TrainingJobError/segmentLabelsNeedFrameModel(model:)``), a loss or
    /// mixup that cannot honour label weights (``TrainingError/labelWeightsNotSupported(by:)``).
    public func checkSegmentLabels() throws {
        guard segmentLabels else { return }
        guard try ModelZoo.entry(named: spec.model).level == .frame else {
            throw TrainingJobError.segmentLabelsNeedFrameModel(model: spec.model)
        }
        let objective = TrainingObjective(config.loss)
        if !objective.acceptsLabelWeights { throw TrainingError.labelWeightsNotSupported(by: "the \(objective.name) loss") }
        if config.mixupAlpha != nil { throw TrainingError.labelWeightsNotSupported(by: "mixup") }
    }

    /// The model of checkpoint `path`, which must be this job's model, to fine-tune.
    private func initialModel(from path: String) throws -> any ZooModel {
        let (model, saved) = try TrainedModel.load(path)
        let differing = [("model", saved.model == spec.model), ("size", saved.size == spec.size),
                         ("classes", saved.numClasses == spec.numClasses),
                         ("configuration", NSDictionary(dictionary: saved.overrideDictionary ?? [:])
                            .isEqual(to: spec.overrideDictionary ?? [:]))].filter { !$0.1 }.map(\.0)
        guard differing.isEmpty else {
            throw TrainingJobError.initialWeightsMismatch(checkpoint: path, fields: differing, saved: saved.json, requested: spec.json)
        }
        return model
    }

    /// The predictions of `model` for every video of `files` in order, with
    /// their metrics.
    public func predictions(of model: any ZooModel, on files: [String]) throws -> LabelledPredictions {
        try LabelledPredictions(of: model, on: try evaluationSource(files))
    }
}

/// A model's probabilities for a pass of videos, with the videos' ids and
/// labels and the metrics of the predictions against them: what out-of-fold
/// soft labels and ensembles are made from.
public struct LabelledPredictions {
    /// Video ids, in the order of the pass.
    public let ids: [String]
    /// Label indices per video.
    public let labels: [[Int]]
    /// Row-major [videos, classes].
    public let probabilities: [Float]
    /// Classes per video.
    public let numClasses: Int
    /// GAP@20, MAP, Hit@1, PERR of `probabilities` against `labels`.
    public let score: EvaluationResult

    /// Runs `model` (evaluation mode, no graph) over what is left of one pass of `source`.
    public init(of model: any ZooModel, on source: BatchSource) throws {
        var ids: [String] = [], labels: [[Int]] = [], probabilities: [Float] = []
        model.eval()
        while let batch = try source.nextBatch() {
            probabilities += withoutGrad { model(batch.input).probabilities }.floats
            ids += batch.ids
            labels += batch.labelIndices
        }
        var metrics = EvaluationMetrics(numClasses: model.numClasses)
        try metrics.accumulate(predictions: probabilities, labels: labels)
        try metrics.requireLabels()
        self.ids = ids
        self.labels = labels
        self.probabilities = probabilities
        numClasses = model.numClasses
        score = metrics.result()
    }

    /// Video `i`'s probabilities.
    public func row(_ i: Int) -> ArraySlice<Float> {
        probabilities[(i * numClasses)..<((i + 1) * numClasses)]
    }
}

/// The trainer's progress reporter sending its lines to `progress` (or
/// nowhere), so the trainer never writes to standard error on its own.
/// The one place pipelines make a reporter.
func trainingReporter(_ config: TrainingConfig, _ progress: PipelineProgress?) -> ProgressReporter {
    ProgressReporter(totalSteps: config.steps, interval: config.progressInterval,
                     output: { line in progress?(.training(line: line)) })
}
