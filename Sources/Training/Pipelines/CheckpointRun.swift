import Metrics
import NN
import Tensor
import YT8MData
import Zoo

/// Why segment predictions cannot be made.
public enum SegmentPredictionError: Error, CustomStringConvertible, Equatable {
    /// The model reads video-level features or frame statistics, not frames, so it cannot score 5-frame segments.
    case notAFrameModel(model: String)

    /// The problem in words, naming what was wrong and where.
    public var description: String {
        switch self {
        case .notAFrameModel(let model):
            return "\(model) does not read frames (a video-level or frame-statistics model): segments need a frame-level model"
        }
    }
}

/// A trained checkpoint and one deterministic pass over the data it is run
/// on: evaluation (`yt8m eval`), prediction to a Kaggle submission
/// (`yt8m predict`) and 8-bit export scored before and after (`yt8m export`).
public struct CheckpointRun {
    /// The checkpoint's model (evaluation mode).
    public let model: any ZooModel
    /// The checkpoint's model spec.
    public let spec: ModelSpec
    /// One pass of the model's record level over the data; each operation resets it.
    public let source: DatasetBatchSource
    /// Whether the data is the embedded synthetic dataset's validation split.
    public let isSynthetic: Bool
    /// The record files the source reads, in order.
    public let files: [String]
    /// The record format the files are read with (the checkpoint's class count).
    public let format: YT8MRecordFormat
    /// How passes are scored: this process alone, or shared between the
    /// ranks of a data-parallel run (the Distributed module's `ShardedEvaluation`).
    public var evaluation: any ModelEvaluation = LocalEvaluation()
    /// Whether this process writes the files the operations make; false on
    /// the ranks other than 0 of a data-parallel run, which take part in the
    /// passes and write nothing.
    public var writesFiles = true

    /// Loads `checkpoint` (written by the trainer or by ``export(to:minimumElements:)``)
    /// and opens `data` (files, directories or globs; the synthetic validation
    /// split when empty) with the checkpoint's class count.
    /// - Parameters:
    ///   - checkpoint: path of the checkpoint `yt8m train` or `yt8m export` wrote.
    ///   - data: TFRecord files, directories or globs to read; empty for the synthetic validation split.
    ///   - format: the record format (feature keys, release) the files are read with; its class count
    ///     is replaced by the checkpoint's.
    ///   - batchSize: videos per batch.
    ///   - progress: gets ``PipelineEvent/makingSyntheticData(done:total:)`` on first use.
    public init(checkpoint: String, data: [String], format: YT8MRecordFormat, batchSize: Int,
                progress: PipelineProgress? = nil) throws {
        (model, spec) = try TrainedModel.load(checkpoint)
        (source, isSynthetic, files, self.format) = try spec.evaluationSource(paths: data, format: format, batchSize: batchSize,
                                                                              progress: progress)
    }

    /// GAP@20, MAP, Hit@1 and PERR over the data.
    public func evaluate() throws -> EvaluationResult {
        try evaluation.evaluate(model, on: source, maxBatches: nil)
    }

    /// Writes the Kaggle submission (top `topK` label/score pairs per video)
    /// of the data to `path`, atomically (when ``writesFiles``); returns the
    /// number of videos.
    @discardableResult
    public func writeSubmission(to path: String, topK: Int = 20) throws -> Int {
        let rows = try evaluation.rankedPredictions(model, on: source, topK: topK)
        guard writesFiles else { return rows.count }
        let writer = try KaggleSubmission.Writer(path: path, topK: topK)
        for row in rows { try writer.write(videoID: row.videoID, ranked: row.predictions) }
        try writer.close()
        return rows.count
    }

    /// Whether the model reads frames (not video-level features or frame
    /// statistics), so it can score 5-frame segments.
    public var scoresSegments: Bool { model.level == .frame }

    /// Segment mAP@`topN` over the segment ratings of the data, from the
    /// ranking ``writeSegmentSubmission(to:ratedClasses:classesPerSegment:segmentsPerClass:)``
    /// would write (so a submission scored by `yt8m score` gives the same
    /// value); nil when the data holds no segment rating (known from its
    /// first file, so video-rated data is not read twice). Throws
    /// ``SegmentPredictionError`` for a model that does not read frames.
    public func evaluateSegments(ratedClasses: SegmentClassList = .starter, classesPerSegment: Int = 20,
                                 topN: Int = SegmentMeanAveragePrecision.kaggleTopN) throws -> SegmentMeanAveragePrecision.Result? {
        guard let first = files.first,
              try YT8MLabels(files: [first], format: format).entries.contains(where: { !$0.segmentRatings.isEmpty }) else { return nil }
        let ratings = SegmentRatingSet(labels: try YT8MLabels(files: files, format: format))
        let ranking = try segmentRanking(ratedClasses: ratedClasses, classesPerSegment: classesPerSegment, segmentsPerClass: topN).ranking
        return SegmentMeanAveragePrecision.compute(ranking: ranking, ratings: ratings, topN: topN, ratedClasses: ratedClasses.set)
    }

    /// The segment ranking of one pass over the data, and the segments scored.
    private func segmentRanking(ratedClasses: SegmentClassList, classesPerSegment: Int,
                                segmentsPerClass: Int) throws -> (ranking: SegmentRanking, segments: Int) {
        guard scoresSegments else { throw SegmentPredictionError.notAFrameModel(model: spec.model) }
        try source.reset()
        var builder = SegmentRanking.Builder(ratedClasses: ratedClasses.set, classesPerSegment: classesPerSegment,
                                             segmentsPerClass: segmentsPerClass)
        var segments = 0
        try forEachPrediction(of: model, on: SegmentBatchSource(videos: source)) { id, scores in
            builder.add(segmentID: id, scores: Array(scores))
            segments += 1
        }
        return (builder.ranking(), segments)
    }

    /// Writes the 2019 segment submission (`Class,Segments`) of the data:
    /// every video cut into 5-frame segments (``SegmentBatchSource``), each
    /// segment's `classesPerSegment` best classes of `ratedClasses`, each
    /// class's `segmentsPerClass` most confident segments
    /// (`SegmentRanking.Builder`). Returns the number of segments scored.
    /// Throws ``SegmentPredictionError`` for a model that does not read frames.
    @discardableResult
    public func writeSegmentSubmission(to path: String, ratedClasses: SegmentClassList = .starter, classesPerSegment: Int = 20,
                                       segmentsPerClass: Int = SegmentMeanAveragePrecision.kaggleTopN) throws -> Int {
        let (ranking, segments) = try segmentRanking(ratedClasses: ratedClasses, classesPerSegment: classesPerSegment,
                                                     segmentsPerClass: segmentsPerClass)
        if writesFiles { try SegmentSubmission.write(ranking, to: path) }
        return segments
    }

    /// What an 8-bit export gave.
    public struct ExportReport {
        /// Sizes and tensor counts of the exported file.
        public let quantization: Quantization.Report
        /// The metrics with the float weights.
        public let before: EvaluationResult
        /// The metrics with the exported weights, as they load.
        public let after: EvaluationResult
        /// The exported file's size in MB (10⁶ bytes), what the 2018 1 GB budget counts.
        public var megabytes: Double { Double(quantization.quantizedBytes) / 1e6 }
    }

    /// Writes the checkpoint to `path` with float tensors of more than
    /// `minimumElements` elements quantized to 8 bits (`Quantization`) and
    /// scores the data before and after. The model is left holding the
    /// exported (dequantized) weights, so the score is the file's, not an
    /// estimate of it.
    public func export(to path: String, minimumElements: Int = 17_000) throws -> ExportReport {
        let before = try evaluate()
        let report = try Quantization.export(model.stateDict(), to: path, minimumElements: minimumElements,
                                             metadata: ["model_spec": spec.json, "model": spec.model])
        try model.loadStateDict(try Quantization.load(path))
        return ExportReport(quantization: report, before: before, after: try evaluate())
    }
}
