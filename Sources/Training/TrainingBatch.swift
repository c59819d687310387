import Tensor
import Zoo

/// One batch of labelled videos for training or evaluation.
public struct TrainingBatch {
    /// The model's input: features [B, D] (video level) or [B, T, D] (frame
    /// level) with the real frame count of each video.
    public var input: ModelInput
    /// Multi-hot labels [B, C] (float32).
    public var labels: Tensor
    /// Teacher probabilities [B, C] for distillation, when the data has them.
    public var teacher: Tensor?
    /// How much each label counts [B, C], when not all do: the starter's
    /// `label_weights`, 1 for the classes a segment was rated for and 0 for
    /// the rest, so unrated classes add nothing to the loss or the metrics.
    public var labelWeights: Tensor?
    /// Example ids: video ids, or `VIDEO:START` for segments.
    public var ids: [String]
    /// Each example's index in the global batch this batch is a share of
    /// (`0..<count` for a whole batch). Dropout keys its masks by these, so an
    /// example gets the same mask whichever rank or micro-batch trains it.
    public var rows: [Int]
    /// Videos in the global batch this batch is a share of (`count` for a whole batch).
    public var globalCount: Int

    /// A batch of `input` with its `labels`, optional `teacher` probabilities
    /// and `labelWeights` (each the shape of `labels`), and one id per video.
    /// `rows` and `globalCount` place a share within its global batch (nil: the whole batch).
    public init(input: ModelInput, labels: Tensor, teacher: Tensor? = nil, labelWeights: Tensor? = nil, ids: [String],
                rows: [Int]? = nil, globalCount: Int? = nil) {
        precondition(labels.rank == 2 && labels.shape[0] == input.batchSize,
                     "TrainingBatch: labels \(labels.shape) do not match a batch of \(input.batchSize)")
        precondition(labelWeights.map { $0.shape == labels.shape } ?? true,
                     "TrainingBatch: label weights \(labelWeights!.shape) and labels \(labels.shape) differ")
        self.input = input
        self.labels = labels
        self.teacher = teacher
        self.labelWeights = labelWeights
        self.ids = ids
        self.rows = rows ?? Array(0..<ids.count)
        self.globalCount = globalCount ?? ids.count
        precondition(self.rows.count == ids.count && self.globalCount >= ids.count,
                     "TrainingBatch: \(self.rows.count) rows for \(ids.count) videos of a global batch of \(self.globalCount)")
    }

    /// Videos in the batch.
    public var count: Int { ids.count }

    /// The share `part` of `parts` of this batch: videos part, part + parts,
    /// part + 2·parts, … (the strided share a rank of `parts` trains on, as
    /// PyTorch's `DistributedSampler` deals examples, and the micro-batch of
    /// gradient accumulation). Frame-level features are trimmed to the
    /// share's longest video, as a batch of those videos would be.
    public func share(_ part: Int, of parts: Int) -> TrainingBatch {
        precondition(parts > 0 && part >= 0 && part < parts, "TrainingBatch.share: part \(part) of \(parts)")
        return selecting(Array(stride(from: part, to: count, by: parts)))
    }

    /// The videos at `indices` of this batch, in that order, keeping their
    /// rows of the global batch; frame-level features are trimmed to the
    /// selection's longest video, as a batch of those videos would be.
    public func selecting(_ indices: [Int]) -> TrainingBatch {
        var features = input.features.indexSelect(axis: 0, indices: indices)
        let lengths = input.lengths.map { l in indices.map { l[$0] } }
        if let lengths, let longest = lengths.max(), longest < features.shape[1] {
            features = features.sliced(axis: 1, range: 0..<longest)
        }
        return TrainingBatch(input: ModelInput(features: features, lengths: lengths, rgbSize: input.rgbSize),
                             labels: labels.indexSelect(axis: 0, indices: indices),
                             teacher: teacher?.indexSelect(axis: 0, indices: indices),
                             labelWeights: labelWeights?.indexSelect(axis: 0, indices: indices), ids: indices.map { ids[$0] },
                             rows: indices.map { rows[$0] }, globalCount: globalCount)
    }

    /// `predictions` [B, C] (row-major) as the metrics should see them: with
    /// label weights, each score times its weight, so an unrated class scores
    /// 0 and ranks below every rated one (the starter's `eval.py` does this
    /// "to ignore the unrated labels"); without, unchanged.
    public func weighted(_ predictions: [Float]) -> [Float] {
        guard let labelWeights else { return predictions }
        precondition(predictions.count == labelWeights.count,
                     "TrainingBatch.weighted: \(predictions.count) predictions for label weights \(labelWeights.shape)")
        return zip(predictions, labelWeights.floats).map { $0 * $1 }
    }

    /// Whether nothing in the batch is labelled: no positive label (a test
    /// split's records), or with label weights, no rated class at all.
    var hasNoLabels: Bool {
        if let labelWeights { return !labelWeights.floats.contains { $0 > 0 } }
        return labelIndices.allSatisfy(\.isEmpty)
    }

    /// Label indices per video (for the metrics).
    public var labelIndices: [[Int]] {
        let c = labels.shape[1], v = labels.floats
        return (0..<labels.shape[0]).map { i in (0..<c).filter { v[i * c + $0] > 0.5 } }
    }
}

/// Where batches come from: the training stream (endless, epoch after epoch)
/// or one evaluation pass (nil at the end). A source can describe the
/// position of its stream so a run resumes with the same data order.
public protocol BatchSource: AnyObject {
    /// The next batch, or nil when a finite pass is over.
    func nextBatch() throws -> TrainingBatch?
    /// The position in the stream (epoch, offset, shuffle state) as text.
    var resumeState: String { get }
    /// Moves the stream to a position written by `resumeState`.
    func restore(_ state: String) throws
    /// Starts a new pass from the beginning (evaluation sources).
    func reset() throws
}
