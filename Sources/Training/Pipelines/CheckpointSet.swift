import Metrics
import Tensor
import YT8MData
import Zoo

extension ModelSpec {
    /// One deterministic pass (a single epoch) of this model's record level
    /// over `paths`, or over the embedded synthetic dataset when `paths` is
    /// empty: its validation split, or its training split with
    /// `syntheticTraining`. The records' class count is the model's. Also says
    /// whether the data is synthetic, with the files it reads and the format it reads them with.
    /// - Parameters:
    ///   - paths: TFRecord files, directories or globs; empty for the synthetic validation split.
    ///   - format: the record format (feature keys, release) the files are read with; its class count
    ///     is replaced by the checkpoint's.
    ///   - batchSize: videos per batch.
    ///   - syntheticTraining: read the synthetic training split instead of the validation split when `paths` is empty.
    ///   - progress: gets ``PipelineEvent/makingSyntheticData(done:total:)`` on first use.
    public func evaluationSource(paths: [String], format: YT8MRecordFormat, batchSize: Int, syntheticTraining: Bool = false,
                                 progress: PipelineProgress? = nil) throws
        -> (source: DatasetBatchSource, isSynthetic: Bool, files: [String], format: YT8MRecordFormat) {
        let entry = try ModelZoo.entry(named: model)
        try VocabularyMismatch.check(checkpointClasses: numClasses, format: format, paths: paths)
        var format = format
        format.numClasses = numClasses
        let selection = try DataSelection.resolve(train: paths, validation: [], level: entry.recordLevel, format: format,
                                                  events: progress)
        let files = selection.isSynthetic && !syntheticTraining ? selection.validationFiles : selection.trainFiles
        let options = entry.evaluationOptions(format: selection.format, batchSize: batchSize, maxFrames: maxFrames, epochs: 1)
        return (DatasetBatchSource(try YT8MDataset(files: files, options: options), repeats: false), selection.isSynthetic, files,
                selection.format)
    }
}

/// A checkpoint of one YouTube-8M release's vocabulary asked to score data
/// read as the other release's: the 2017 vocabulary (4,716 classes) and the
/// 2018 one (3,862) number different entities, so every score would be for
/// the wrong class while looking plausible. Other class counts (custom or
/// synthetic data) are the checkpoint's to decide.
public struct VocabularyMismatch: Error, CustomStringConvertible, Equatable {
    /// Classes the checkpoint scores.
    public var checkpointClasses: Int
    /// Classes of the release the data is read as.
    public var dataClasses: Int

    /// Throws when the checkpoint's class count is one release's and `format`'s the other's (real data only).
    static func check(checkpointClasses: Int, format: YT8MRecordFormat, paths: [String]) throws {
        let releases = [YT8MRecordFormat.yt8m2017.numClasses, YT8MRecordFormat.yt8m2018.numClasses]
        guard !paths.isEmpty, checkpointClasses != format.numClasses,
              releases.contains(checkpointClasses), releases.contains(format.numClasses) else { return }
        throw VocabularyMismatch(checkpointClasses: checkpointClasses, dataClasses: format.numClasses)
    }

    private static func release(_ classes: Int) -> String {
        classes == YT8MRecordFormat.yt8m2017.numClasses ? "2017" : "2018"
    }

    /// The problem in words, naming what was wrong and where.
    public var description: String {
        "the checkpoint scores the \(Self.release(checkpointClasses)) vocabulary (\(checkpointClasses) classes) but the data "
            + "is read as the \(Self.release(dataClasses)) release (\(dataClasses) classes): the class numbers mean other "
            + "entities; give --release \(Self.release(checkpointClasses)) if the files are of that release"
    }
}

/// Why checkpoints cannot be used together.
public enum CheckpointSetError: Error, CustomStringConvertible, Equatable {
    /// No checkpoint was given.
    case empty
    /// The checkpoint at `path` predicts `classes` classes, the first one (`firstPath`) `firstClasses`.
    case classesDiffer(path: String, classes: Int, firstPath: String, firstClasses: Int)
    /// On real data the checkpoints must read one record level; these read video-level
    /// records (`videoLevel`) and these frame-level ones (`frameLevel`).
    case recordLevelsDiffer(videoLevel: [String], frameLevel: [String])

    /// The paths and what is wrong, for an error message.
    public var description: String {
        switch self {
        case .empty:
            return "no checkpoints given"
        case .classesDiffer(let path, let classes, let firstPath, let firstClasses):
            return "\(path) predicts \(classes) classes but \(firstPath) predicts \(firstClasses)"
        case .recordLevelsDiffer(let video, let frame):
            return "the checkpoints read both video- and frame-level records (video: \(video.joined(separator: ", ")); frame: \(frame.joined(separator: ", "))); on real data they read one set of files, so they must read the same level"
        }
    }
}

/// Several trained checkpoints used together (ensembles, stacking): they must
/// predict the same classes, and on real data read the same record level,
/// since each reads its own copy of one set of files in lockstep (the
/// synthetic dataset's levels hold the same videos in the same order, so
/// there any mix works).
public struct CheckpointSet {
    /// The checkpoint files, in order.
    public let paths: [String]
    /// The loaded models (evaluation mode), in order.
    public let models: [any ZooModel]
    /// Each model's spec, in order.
    public let specs: [ModelSpec]
    /// The classes every model predicts.
    public let numClasses: Int

    /// Loads `paths` (`TrainedModel.load(_:)`) and checks that they can be
    /// used together; `readsRealData` says whether record paths (not the
    /// synthetic dataset) will be read. Throws ``CheckpointSetError`` or the
    /// loading error naming the file.
    public init(_ paths: [String], readsRealData: Bool) throws {
        guard !paths.isEmpty else { throw CheckpointSetError.empty }
        let loaded = try paths.map { try TrainedModel.load($0) }
        self.paths = paths
        models = loaded.map(\.model)
        specs = loaded.map(\.spec)
        numClasses = specs[0].numClasses
        if let other = specs.firstIndex(where: { $0.numClasses != numClasses }) {
            throw CheckpointSetError.classesDiffer(path: paths[other], classes: specs[other].numClasses,
                                                   firstPath: paths[0], firstClasses: numClasses)
        }
        let levels = try specs.map { try ModelZoo.entry(named: $0.model).recordLevel }
        if readsRealData && Set(levels).count > 1 {
            throw CheckpointSetError.recordLevelsDiffer(videoLevel: zip(paths, levels).filter { $1 == .video }.map(\.0),
                                                        frameLevel: zip(paths, levels).filter { $1 == .frame }.map(\.0))
        }
    }

    /// One deterministic pass of each checkpoint's record level over `paths`
    /// (`ModelSpec.evaluationSource(paths:format:batchSize:syntheticTraining:progress:)`),
    /// one source per checkpoint, to read in lockstep.
    public func sources(_ paths: [String], format: YT8MRecordFormat, batchSize: Int, syntheticTraining: Bool = false,
                        progress: PipelineProgress? = nil) throws -> [BatchSource] {
        try specs.map {
            try $0.evaluationSource(paths: paths, format: format, batchSize: batchSize, syntheticTraining: syntheticTraining,
                                    progress: progress).source
        }
    }

    /// GAP@20 of row-major predictions [videos, classes] against `labels`.
    public func gap(_ predictions: [Float], labels: [[Int]]) throws -> Double {
        var metrics = EvaluationMetrics(numClasses: numClasses)
        try metrics.accumulate(predictions: predictions, labels: labels)
        return metrics.result().globalAveragePrecision
    }
}
