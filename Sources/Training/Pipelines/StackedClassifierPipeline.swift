import Foundation
import Metrics
import NN
import Tensor
import YT8MData
import Zoo

/// Samsung's final stage (2018): a ``FinalClassifier`` trained over the
/// concatenated penultimate layers of frozen checkpoints, compared on the
/// validation videos with each member and with the members' averages
/// (equal and searched weights), since stacking only pays when it beats them.
public struct StackedClassifierPipeline {
    /// The frozen members.
    public let checkpoints: CheckpointSet
    /// Hidden layers and dropout of the final classifier.
    public var classifier: FinalClassifier.Config
    /// Training steps of the final classifier.
    public var steps: Int
    /// Adam learning rate.
    public var learningRate: Double
    /// Videos per batch (feature collection and training).
    public var batchSize: Int
    /// Validate and checkpoint every this many steps.
    public var validateEvery: Int
    /// Seed of the initialisation, data order and the weight search.
    public var seed: UInt64
    /// Where the final classifier's checkpoints, metrics.csv and training-curves.svg go.
    public var directory: String
    /// Format of the records read (the class count is the checkpoints').
    public var format: YT8MRecordFormat

    /// A pipeline over `checkpoints`; see the properties.
    public init(checkpoints: CheckpointSet, classifier: FinalClassifier.Config = .init(), steps: Int = 1000,
                learningRate: Double = 1e-3, batchSize: Int = 256, validateEvery: Int = 200, seed: UInt64 = 0,
                directory: String, format: YT8MRecordFormat) {
        self.checkpoints = checkpoints
        self.classifier = classifier
        self.steps = steps
        self.learningRate = learningRate
        self.batchSize = batchSize
        self.validateEvery = validateEvery
        self.seed = seed
        self.directory = directory
        self.format = format
    }

    /// The trained final classifier and the validation scores.
    public struct Report {
        /// The final classifier with its best step's weights (evaluation mode).
        public let classifier: FinalClassifier
        /// Each member's penultimate width, in checkpoint order.
        public let widths: [Int]
        /// Training videos of the final classifier.
        public let trainingVideos: Int
        /// The step training resumed from, or nil when it started afresh.
        public let resumedStep: Int?
        /// Each member's validation GAP@20.
        public let memberGAP: [Double]
        /// The members averaged with equal weights (nil for one member).
        public let equalWeightsGAP: Double?
        /// The members averaged with weights searched on the validation videos
        /// themselves (an optimistic bound; nil for one member).
        public let searchedWeightsGAP: Double?
        /// The final classifier's validation metrics at its best step.
        public let final: EvaluationResult
    }

    /// Collects the members' features over `train` and `validation` (the
    /// synthetic training and validation splits when empty), trains the final
    /// classifier on them (resuming from `directory` unless `restart`, which
    /// removes it first), reloads its best checkpoint and scores everything on
    /// the validation videos. Memory: videos × (Σ feature widths + classes) floats.
    /// - Parameters:
    ///   - train: TFRecord files, directories or globs the stacked classifier is trained on
    ///     (empty: the synthetic training split).
    ///   - validation: TFRecord files, directories or globs it is validated on (empty: the synthetic validation split).
    ///   - restart: remove the final classifier's directory first instead of resuming from it.
    ///   - progress: gets ``PipelineEvent/makingSyntheticData(done:total:)``,
    ///     ``PipelineEvent/collectingFeatures(split:videos:finished:)``, ``PipelineEvent/stackedFeatures(members:)``,
    ///     ``PipelineEvent/resumed(directory:step:)``, ``PipelineEvent/finalClassifierStarting(parameters:hiddenSizes:trainingVideos:)``
    ///     and the trainer's ``PipelineEvent/training(line:)`` lines.
    public func run(train: [String], validation: [String], restart: Bool = false,
                    progress: PipelineProgress? = nil) throws -> Report {
        let classes = checkpoints.numClasses
        let members = checkpoints.models
        members.forEach { $0.freeze() }
        func collect(_ paths: [String], training: Bool) throws -> StackedFeatures {
            let split = training ? "training" : "validation"
            let sources = try checkpoints.sources(paths, format: format, batchSize: batchSize, syntheticTraining: training,
                                                  progress: progress)
            let features = try StackedFeatures.collect(from: members, on: sources, keepMemberPredictions: !training) { videos in
                progress?(.collectingFeatures(split: split, videos: videos, finished: false))
            }
            progress?(.collectingFeatures(split: split, videos: features.ids.count, finished: true))
            return features
        }
        let trainSet = try collect(train, training: true)
        let validationSet = try collect(validation, training: false)
        let width = trainSet.widths.reduce(0, +)
        progress?(.stackedFeatures(members: zip(checkpoints.specs, trainSet.widths).map { ($0.model, $1) }))

        var rng = RandomGenerator(seed: seed)
        let head = FinalClassifier(inputSize: width, numClasses: classes, config: classifier, rng: &rng)
        var tc = TrainingConfig()
        tc.steps = steps
        tc.learningRate = learningRate
        tc.validateEvery = validateEvery
        tc.seed = seed
        if restart { try? FileManager.default.removeItem(atPath: directory) }
        let trainer = Trainer(model: head, config: tc, directory: directory)
        trainer.checkpointMetadata = ["model": "final-classifier", "members": checkpoints.paths.joined(separator: " "),
                                      "hidden": classifier.hiddenSizes.map(String.init).joined(separator: " "),
                                      "dropout": String(classifier.dropout)]
        let trainBatches = trainSet.batches(size: batchSize, training: true, seed: seed)
        var resumed: Int? = nil
        if try trainer.resumeIfPossible(training: trainBatches) {
            resumed = trainer.step
            progress?(.resumed(directory: directory, step: trainer.step))
        }
        progress?(.finalClassifierStarting(parameters: FinalClassifier.parameterCount(inputSize: width, numClasses: classes, config: classifier),
                                           hiddenSizes: classifier.hiddenSizes, trainingVideos: trainSet.ids.count))
        try trainer.run(training: trainBatches, validation: validationSet.batches(size: batchSize, training: false),
                        progress: trainingReporter(tc, progress))
        _ = try Checkpoint.load(from: directory + "/best.safetensors", module: head)

        let labels = validationSet.labelIndices
        let predictions = validationSet.memberProbabilities
        var equal: Double? = nil, searched: Double? = nil
        if predictions.count > 1 {
            let weights = [Double](repeating: 1 / Double(predictions.count), count: predictions.count)
            equal = try checkpoints.gap(EnsembleWeights.average(predictions, weights: weights), labels: labels)
            let search = try EnsembleWeights.search(predictions: predictions, labels: labels, numClasses: classes,
                                                    trials: 200, seed: seed)
            searched = try checkpoints.gap(EnsembleWeights.average(predictions, weights: search.weights), labels: labels)
        }
        let final = try Trainer.evaluate(head, on: validationSet.batches(size: batchSize, training: false))
        head.eval()
        return Report(classifier: head, widths: trainSet.widths, trainingVideos: trainSet.ids.count, resumedStep: resumed,
                      memberGAP: try predictions.map { try checkpoints.gap($0, labels: labels) },
                      equalWeightsGAP: equal, searchedWeightsGAP: searched, final: final)
    }

    /// Writes the Kaggle submission of the stacked model (the members'
    /// features through `classifier`) over `data` (the synthetic validation
    /// split when empty) to `path`, atomically; returns the number of videos.
    @discardableResult
    public func writeSubmission(of classifier: FinalClassifier, over data: [String], to path: String, topK: Int = 20,
                                progress: PipelineProgress? = nil) throws -> Int {
        let classes = checkpoints.numClasses
        let members = checkpoints.models
        members.forEach { $0.eval() }
        classifier.eval()
        let writer = try KaggleSubmission.Writer(path: path, topK: topK)
        var videos = 0
        let sources = try checkpoints.sources(data, format: format, batchSize: batchSize, progress: progress)
        try forEachLockstepBatch(of: sources) { batches in
            let features = Tensor.concat(zip(members, batches).map { model, batch in withoutGrad { model.features(batch.input) } }, axis: 1)
            let scores = withoutGrad { classifier(ModelInput(features: features)).probabilities }.floats
            for (i, id) in batches[0].ids.enumerated() {
                try writer.write(videoID: id, scores: Array(scores[(i * classes)..<((i + 1) * classes)]))
            }
            videos += batches[0].ids.count
        }
        try writer.close()
        return videos
    }
}
