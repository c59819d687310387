import Tensor
import YT8MData
import Zoo
import Foundation

/// A `YT8MDataset` as the trainer's batch source. For training the stream
/// runs epoch after epoch (`repeats`); for evaluation one pass ends with nil
/// and `reset()` starts the next pass from the beginning.
public final class DatasetBatchSource: BatchSource {
    /// The dataset the batches are read from.
    public let dataset: YT8MDataset
    /// Whether the stream continues with the next epoch when a pass ends (training) or ends with nil (evaluation).
    public let repeats: Bool
    private var last: DatasetState

    /// A source reading `dataset`, epoch after epoch when `repeats`.
    public init(_ dataset: YT8MDataset, repeats: Bool) {
        self.dataset = dataset
        self.repeats = repeats
        last = dataset.state
    }

    /// The next batch, or nil when a finite pass is over.
    public func nextBatch() throws -> TrainingBatch? {
        guard let b = try nextDatasetBatch() else { return nil }
        let frameLevel = b.features.rank == 3
        let input = ModelInput(features: b.features, lengths: frameLevel ? b.frameCounts.map { max($0, 1) } : nil)
        return TrainingBatch(input: input, labels: b.labels, teacher: b.teacherPredictions, ids: b.ids,
                             rows: b.rows, globalCount: b.globalCount)
    }

    /// A source over the same files and options that reads only share
    /// `part` of `parts` of every batch, or with `unit` `.batches` of the
    /// batches (`BatchShare`: the other videos' data is never read), at this
    /// source's position. With `.videos` this source's reading threads stop,
    /// since the share replaces it.
    public func readingShare(_ part: Int, of parts: Int, unit: BatchShare.Unit = .videos) throws -> DatasetBatchSource {
        var options = dataset.options
        options.share = BatchShare(part: part, of: parts, unit: unit)
        let shared = DatasetBatchSource(try YT8MDataset(files: dataset.files, options: options), repeats: repeats)
        // A training stream is replaced; an evaluation source stays readable for whoever else scores it.
        if unit == .videos { dataset.close() }
        try shared.restore(resumeState)
        return shared
    }

    /// The dataset's next batch as read, with what ``TrainingBatch`` leaves
    /// out (the segment ratings), for the views built on this source.
    public func nextDatasetBatch() throws -> YT8MBatch? {
        var batch = try dataset.next()
        if batch == nil && repeats && !dataset.isFinished { batch = try dataset.next() }   // the next epoch
        guard let b = batch else { return nil }
        last = b.stateAfter
        return b
    }

    /// The position in the stream as text, for a checkpoint (``restore(_:)`` reads it back).
    public var resumeState: String {
        (try? String(decoding: JSONEncoder.sorted.encode(last), as: UTF8.self)) ?? ""
    }

    /// Moves the stream to a position written by ``resumeState``.
    public func restore(_ state: String) throws {
        guard let s = try? JSONDecoder().decode(DatasetState.self, from: Data(state.utf8)) else {
            throw BatchSourceError.badResumeState(state)
        }
        try dataset.restore(s)
        last = s
    }

    /// Starts a new pass from the beginning.
    public func reset() throws {
        try dataset.restore(DatasetState(seed: dataset.options.seed, epoch: 0, position: 0))
        last = dataset.state
    }
}
