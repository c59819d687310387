import Tensor
import Zoo

/// One pass of several frozen models over the same videos: per video the
/// concatenation of the models' penultimate layers (`ZooModel.features(_:)`),
/// the labels, and optionally each model's own predictions (to compare the
/// final classifier with its members). The training set of a
/// ``FinalClassifier``.
public struct StackedFeatures {
    /// The video ids, in pass order (the first source's).
    public let ids: [String]
    /// [videos, Σ featureCount], the models' features in model order.
    public let features: Tensor
    /// Multi-hot [videos, classes].
    public let labels: Tensor
    /// Label indices per video (for the metrics).
    public let labelIndices: [[Int]]
    /// Each model's probabilities, row-major [videos, classes] (empty unless asked for).
    public let memberProbabilities: [[Float]]
    /// Each model's feature width.
    public let widths: [Int]

    /// Runs `models` (evaluation mode, no graph) over one pass of `sources` in
    /// lockstep (``forEachLockstepBatch(of:_:)``: each model reads its own
    /// source, the videos must match). `progress` gets the videos done so far.
    /// Memory: videos × (Σ featureCount + classes) floats, plus videos ×
    /// classes per model with `keepMemberPredictions`.
    public static func collect(from models: [any ZooModel], on sources: [BatchSource], keepMemberPredictions: Bool = false,
                               progress: ((Int) -> Void)? = nil) throws -> StackedFeatures {
        precondition(!models.isEmpty && models.count == sources.count,
                     "StackedFeatures: \(models.count) models for \(sources.count) sources")
        let classes = models[0].numClasses
        precondition(models.allSatisfy { $0.numClasses == classes },
                     "StackedFeatures: the models predict \(models.map(\.numClasses)) classes; they must agree")
        models.forEach { $0.eval() }
        let widths = models.map(\.featureCount)
        var ids: [String] = [], labels: [Float] = [], labelIndices: [[Int]] = [], features: [Float] = []
        var members = [[Float]](repeating: [], count: keepMemberPredictions ? models.count : 0)
        try forEachLockstepBatch(of: sources) { batches in
            let perModel = zip(models, batches).map { model, batch in withoutGrad { model.features(batch.input) } }
            for (m, f) in perModel.enumerated() {
                precondition(f.shape == [batches[m].input.batchSize, widths[m]],
                             "StackedFeatures: model \(m + 1) (\(type(of: models[m]))) gave features \(f.shape), expected [\(batches[m].input.batchSize), \(widths[m])]")
                if keepMemberPredictions { members[m] += withoutGrad { models[m].classify(f).probabilities }.floats }
            }
            features += Tensor.concat(perModel, axis: 1).floats
            ids += batches[0].ids
            labels += batches[0].labels.floats
            labelIndices += batches[0].labelIndices
            progress?(ids.count)
        }
        return StackedFeatures(ids: ids, features: Tensor(features, shape: [ids.count, widths.reduce(0, +)]),
                               labels: Tensor(labels, shape: [ids.count, classes]), labelIndices: labelIndices,
                               memberProbabilities: members, widths: widths)
    }

    /// Batches of the features for training (shuffled every epoch, endless) or evaluation (in order, one pass).
    public func batches(size: Int, training: Bool, seed: UInt64 = 0) -> InMemoryBatchSource {
        InMemoryBatchSource(features: features, labels: labels, batchSize: size, shuffle: training, repeats: training, seed: seed)
    }
}
