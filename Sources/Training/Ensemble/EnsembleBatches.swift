import Tensor
import Zoo

/// Why several models could not be run over the same videos.
public enum EnsembleError: Error, CustomStringConvertible, Equatable {
    /// Model `model`'s data holds `found` where the first model's holds `expected` (video `position` of the pass).
    case videosDiffer(model: Int, position: Int, expected: String, found: String)
    /// Model `model`'s data ended after `videos` videos while the first model's went on (or the reverse).
    case lengthsDiffer(model: Int, videos: Int)

    /// The problem in words, naming what was wrong and where.
    public var description: String {
        switch self {
        case .videosDiffer(let m, let p, let e, let f):
            return "ensemble: video \(p) of model \(m + 1)'s data is '\(f)' but model 1's is '\(e)': the models must read the same videos in the same order (same record level, same files)"
        case .lengthsDiffer(let m, let n):
            return "ensemble: model \(m + 1)'s data and model 1's differ in length after \(n) videos"
        }
    }
}

/// Reads one pass of several sources in lockstep and calls `body` with one
/// batch of each, after checking that they hold the same videos in the same
/// order. Each model of an ensemble reads its own source, so video- and
/// frame-level models can be mixed when both sources hold the same videos in
/// the same order (the synthetic dataset's shards do); a mismatch throws
/// ``EnsembleError``.
public func forEachLockstepBatch(of sources: [BatchSource], _ body: (_ batches: [TrainingBatch]) throws -> Void) throws {
    precondition(!sources.isEmpty, "forEachLockstepBatch: no sources")
    var seen = 0
    while true {
        let batches = try sources.map { try $0.nextBatch() }
        guard let first = batches[0] else {
            if let m = batches.firstIndex(where: { $0 != nil }) { throw EnsembleError.lengthsDiffer(model: m, videos: seen) }
            return
        }
        var checked: [TrainingBatch] = []
        for (m, batch) in batches.enumerated() {
            guard let batch else { throw EnsembleError.lengthsDiffer(model: m, videos: seen) }
            if batch.ids != first.ids {
                let i = zip(batch.ids, first.ids).enumerated().first { $0.element.0 != $0.element.1 }?.offset
                    ?? min(batch.ids.count, first.ids.count)
                throw EnsembleError.videosDiffer(model: m, position: seen + i, expected: i < first.ids.count ? first.ids[i] : "(end)",
                                                 found: i < batch.ids.count ? batch.ids[i] : "(end)")
            }
            checked.append(batch)
        }
        try body(checked)
        seen += first.ids.count
    }
}

/// Runs `models` (evaluation mode, no graph) over one pass of their sources
/// in lockstep (``forEachLockstepBatch(of:_:)``) and calls `body` per batch
/// with the videos' ids, their label indices and each model's probabilities
/// (row-major [videos, classes]).
public func forEachEnsembleBatch(of models: [any ZooModel], on sources: [BatchSource],
                                 _ body: (_ ids: [String], _ labels: [[Int]], _ probabilities: [[Float]]) throws -> Void) throws {
    precondition(!models.isEmpty && models.count == sources.count,
                 "forEachEnsembleBatch: \(models.count) models for \(sources.count) sources")
    models.forEach { $0.eval() }
    try forEachLockstepBatch(of: sources) { batches in
        let probabilities = zip(models, batches).map { model, batch in withoutGrad { model(batch.input).probabilities }.floats }
        try body(batches[0].ids, batches[0].labelIndices, probabilities)
    }
}
