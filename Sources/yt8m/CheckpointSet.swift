import Metrics
import Tensor
import Training
import YT8MData
import ArgumentParser
import Zoo

/// Several trained checkpoints used together (`yt8m ensemble`, `yt8m stack`):
/// they must predict the same classes, and on real data read the same record
/// level, since each reads its own copy of one set of files in lockstep.
struct CheckpointSet {
    let paths: [String]
    let loaded: [(model: any ZooModel, spec: ModelSpec)]
    let numClasses: Int

    /// Loads `paths`; `readsRealData` says whether any record paths were given.
    init(_ paths: [String], readsRealData: Bool) throws {
        self.paths = paths
        loaded = try paths.map { try TrainedModel.load($0) }
        numClasses = loaded[0].spec.numClasses
        if let other = loaded.firstIndex(where: { $0.spec.numClasses != numClasses }) {
            throw ValidationError("\(paths[other]) predicts \(loaded[other].spec.numClasses) classes but \(paths[0]) predicts \(numClasses)")
        }
        let levels = Set(try loaded.map { try ModelZoo.entry(named: $0.spec.model).recordLevel })
        if readsRealData && levels.count > 1 {
            throw ValidationError("the checkpoints read both video- and frame-level records; on real data they read one set of files, so they must read the same level")
        }
    }

    var models: [any ZooModel] { loaded.map(\.model) }

    /// One deterministic pass of each checkpoint's record level over `paths`
    /// (the synthetic validation split, or training split with `syntheticTraining`, when empty).
    func sources(_ paths: [String], format: YT8MRecordFormat, batchSize: Int, syntheticTraining: Bool = false) throws -> [BatchSource] {
        try loaded.map {
            try CheckpointData.source(for: $0.spec, paths: paths, format: format, batchSize: batchSize,
                                      syntheticTraining: syntheticTraining).0
        }
    }

    /// GAP@20 of row-major predictions [videos, classes] against `labels`.
    func gap(_ predictions: [Float], labels: [[Int]]) throws -> Double {
        var metrics = EvaluationMetrics(numClasses: numClasses)
        try metrics.accumulate(predictions: predictions, labels: labels)
        return metrics.result().globalAveragePrecision
    }

    /// The checkpoint paths padded to one width, for aligned output.
    var paddedNames: [String] {
        let width = paths.map(\.count).max() ?? 0
        return paths.map { $0.padding(toLength: width, withPad: " ", startingAt: 0) }
    }
}
