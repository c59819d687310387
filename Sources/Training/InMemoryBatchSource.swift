import Tensor
import Zoo

/// Batches from tensors held in memory: examples are shuffled each epoch
/// with a seeded generator (or kept in order), and the stream position is
/// (epoch, offset) so a resumed run sees exactly the same batches.
public final class InMemoryBatchSource: BatchSource {
    /// Every example's features, the first axis over examples ([N, D] or [N, T, D]).
    public let features: Tensor
    /// Multi-hot labels [N, C].
    public let labels: Tensor
    /// The real frame count of each example, for frame-level features (nil: video level).
    public let lengths: [Int]?
    /// Teacher probabilities [N, C] for distillation, when there are any.
    public let teacher: Tensor?
    /// Examples per batch (the last batch of an epoch may be smaller).
    public let batchSize: Int
    /// Whether examples are shuffled each epoch (a permutation seeded by `seed` and the epoch) or kept in order.
    public let shuffle: Bool
    /// Whether the stream continues with a new epoch (training) or ends (evaluation).
    public let repeats: Bool
    let seed: UInt64
    /// The epoch the stream is in, from 0.
    public private(set) var epoch = 0
    private var offset = 0
    private var order: [Int] = []

    /// A source over `features` and `labels` (the same number of examples)
    /// with optional frame `lengths` and `teacher` probabilities, in batches
    /// of `batchSize`, shuffled per epoch from `seed` when `shuffle`, and
    /// epoch after epoch when `repeats`.
    public init(features: Tensor, labels: Tensor, lengths: [Int]? = nil, teacher: Tensor? = nil,
                batchSize: Int, shuffle: Bool, repeats: Bool, seed: UInt64 = 0) {
        precondition(features.shape[0] == labels.shape[0], "InMemoryBatchSource: \(features.shape) features for \(labels.shape) labels")
        precondition(batchSize > 0, "InMemoryBatchSource: batch size must be positive")
        self.features = features
        self.labels = labels
        self.lengths = lengths
        self.teacher = teacher
        self.batchSize = batchSize
        self.shuffle = shuffle
        self.repeats = repeats
        self.seed = seed
        order = permutation(epoch: 0)
    }

    /// Examples held (one epoch).
    public var count: Int { features.shape[0] }

    private func permutation(epoch: Int) -> [Int] {
        var idx = Array(0..<count)
        guard shuffle else { return idx }
        var rng = RandomGenerator(seed: seed &+ UInt64(epoch) &* 0x9E37_79B9)
        rng.shuffle(&idx)
        return idx
    }

    /// The next batch, or nil when a finite pass is over.
    public func nextBatch() throws -> TrainingBatch? {
        if offset >= count {
            guard repeats else { return nil }
            epoch += 1
            offset = 0
            order = permutation(epoch: epoch)
        }
        let idx = Array(order[offset..<min(offset + batchSize, count)])
        offset += idx.count
        let input = ModelInput(features: features.indexSelect(axis: 0, indices: idx), lengths: lengths.map { l in idx.map { l[$0] } })
        return TrainingBatch(input: input, labels: labels.indexSelect(axis: 0, indices: idx),
                             teacher: teacher?.indexSelect(axis: 0, indices: idx), ids: idx.map(String.init))
    }

    /// The position in the stream as text, for a checkpoint (``restore(_:)`` reads it back).
    public var resumeState: String { "\(epoch),\(offset)" }

    /// Moves the stream to a position written by ``resumeState``.
    public func restore(_ state: String) throws {
        let parts = state.split(separator: ",").compactMap { Int($0) }
        guard parts.count == 2, parts[0] >= 0, parts[1] >= 0, parts[1] <= count else {
            throw BatchSourceError.badResumeState(state)
        }
        epoch = parts[0]
        offset = parts[1]
        order = permutation(epoch: epoch)
    }

    /// Starts a new pass from the beginning.
    public func reset() throws {
        epoch = 0
        offset = 0
        order = permutation(epoch: 0)
    }
}

/// A resume state that does not belong to the source.
public enum BatchSourceError: Error, CustomStringConvertible, Equatable {
    /// The state text that could not be read, as given.
    case badResumeState(String)
    /// The problem in words, naming what was wrong and where.
    public var description: String {
        switch self {
        case .badResumeState(let s): return "cannot resume the data stream from state '\(s)'"
        }
    }
}
