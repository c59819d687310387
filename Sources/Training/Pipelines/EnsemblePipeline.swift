import Metrics
import YT8MData
import Zoo

/// A weighted average of several checkpoints' predictions (the 2018 teams'
/// ensembles): the weights are searched on labelled validation videos
/// (``EnsembleWeights/search(predictions:labels:numClasses:trials:topK:seed:)``)
/// or given, and the ensemble's submission is written over other videos.
public struct EnsemblePipeline {
    /// The members.
    public let checkpoints: CheckpointSet
    /// Format of the records read (the class count is the checkpoints').
    public var format: YT8MRecordFormat
    /// Videos per batch.
    public var batchSize: Int

    /// An ensemble of `checkpoints` reading records of `format`.
    public init(checkpoints: CheckpointSet, format: YT8MRecordFormat, batchSize: Int = 128) {
        self.checkpoints = checkpoints
        self.format = format
        self.batchSize = batchSize
    }

    /// The weights and the validation scores of the members and the ensemble.
    public struct Validation {
        /// One weight per checkpoint, ≥ 0, summing to 1.
        public let weights: [Double]
        /// Weightings tried, or nil when the weights were given.
        public let searchedTrials: Int?
        /// Validation videos.
        public let videos: Int
        /// Each checkpoint's GAP@20 alone.
        public let memberGAP: [Double]
        /// The weighted ensemble's GAP@20.
        public let ensembleGAP: Double
    }

    /// Runs the members over `validation` (labelled files; the synthetic
    /// validation split when empty) and scores them and their average with
    /// `weights`, or with weights searched among equal weights, each member
    /// alone and `trials` random draws (so the ensemble never scores below its
    /// best member there) when `weights` is nil.
    /// - Parameters:
    ///   - validation: TFRecord files, directories or globs the members are scored on.
    ///   - weights: one weight per member; nil to search for the weights that score best.
    ///   - trials: random weightings tried by the search.
    ///   - seed: seed of the search's random weightings.
    ///   - progress: gets ``PipelineEvent/makingSyntheticData(done:total:)`` on first use.
    public func validate(on validation: [String], weights: [Double]? = nil, trials: Int = 200, seed: UInt64 = 0,
                         progress: PipelineProgress? = nil) throws -> Validation {
        let models = checkpoints.models
        var predictions = [[Float]](repeating: [], count: models.count)
        var labels: [[Int]] = []
        let sources = try checkpoints.sources(validation, format: format, batchSize: batchSize, progress: progress)
        try forEachEnsembleBatch(of: models, on: sources) { _, batchLabels, probabilities in
            labels += batchLabels
            for m in probabilities.indices { predictions[m] += probabilities[m] }
        }
        var chosen = weights ?? []
        var searched: Int? = nil
        if weights == nil {
            let search = try EnsembleWeights.search(predictions: predictions, labels: labels, numClasses: checkpoints.numClasses,
                                                    trials: trials, seed: seed)
            chosen = search.weights
            searched = search.trials
        }
        return Validation(weights: chosen, searchedTrials: searched, videos: labels.count,
                          memberGAP: try predictions.map { try checkpoints.gap($0, labels: labels) },
                          ensembleGAP: try checkpoints.gap(EnsembleWeights.average(predictions, weights: chosen), labels: labels))
    }

    /// Writes the Kaggle submission of the ensemble weighted by `weights` over
    /// `data` (the synthetic validation split when empty) to `path`,
    /// atomically; returns the number of videos.
    @discardableResult
    public func writeSubmission(over data: [String], weights: [Double], to path: String, topK: Int = 20,
                                progress: PipelineProgress? = nil) throws -> Int {
        let classes = checkpoints.numClasses
        let writer = try KaggleSubmission.Writer(path: path, topK: topK)
        var videos = 0
        let sources = try checkpoints.sources(data, format: format, batchSize: batchSize, progress: progress)
        try forEachEnsembleBatch(of: checkpoints.models, on: sources) { ids, _, probabilities in
            let average = EnsembleWeights.average(probabilities, weights: weights)
            for (i, id) in ids.enumerated() {
                try writer.write(videoID: id, scores: Array(average[(i * classes)..<((i + 1) * classes)]))
            }
            videos += ids.count
        }
        try writer.close()
        return videos
    }
}
