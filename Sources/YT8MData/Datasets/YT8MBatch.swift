import Tensor

/// Where a dataset stands: enough to resume the exact sequence of batches after a restart.
///
/// The random streams are derived, not stored: the file order of epoch e is shuffled by a generator
/// seeded with `(seed, e, 0)`, the shuffle buffer draws from one seeded with `(seed, e, 1)`, and the
/// frames of the video at position p are sampled by one seeded with `(seed, e, p)` (see
/// `DatasetSeeds`). So `(epoch, position)` under the same `seed`, files and options fixes every
/// random generator's state; `YT8MDataset.restore(_:)` replays the shuffle draws up to `position`
/// reading only record headers.
public struct DatasetState: Codable, Equatable, Sendable {
    /// The dataset's seed (checked on restore).
    public var seed: UInt64
    /// The epoch, from 0.
    public var epoch: Int
    /// Videos of this epoch already delivered.
    public var position: Int

    /// Creates a state.
    public init(seed: UInt64, epoch: Int, position: Int) {
        self.seed = seed
        self.epoch = epoch
        self.position = position
    }
}

/// One batch of a YouTube-8M dataset.
public struct YT8MBatch {
    /// Video level: `[B, 1152]` (the format's video features concatenated). Frame level: `[B, T, 1152]`
    /// dequantized frames, rows past `frameCounts[b]` zero; or `[B, width]` frame statistics. Float32.
    public var features: Tensor
    /// Multi-hot labels `[B, numClasses]`, float32.
    public var labels: Tensor
    /// Rows of `features` filled per video (`num_frames`; 1 at video level), int32 `[B]`.
    public var numFrames: Tensor
    /// The same counts as integers.
    public var frameCounts: [Int]
    /// The video ids.
    public var ids: [String]
    /// The label indices per video, as read (for metrics).
    public var labelIndices: [[Int]]
    /// The teacher's predictions `[B, numClasses]` (context feature `predictions`), when the
    /// records carry them and the dataset asks for them.
    public var teacherPredictions: Tensor?
    /// Frame level: each video's 2019 segment ratings (empty for a video-rated
    /// file). Video level: empty lists.
    public var segmentRatings: [[SegmentRating]]
    /// The dataset state after this batch (resuming from it continues with the next batch).
    public var stateAfter: DatasetState

    /// Each video's index in the whole batch (`0..<count` without a ``BatchShare``).
    public var rows: [Int]
    /// Videos in the whole batch this batch is a share of (`count` without a ``BatchShare``).
    public var globalCount: Int

    /// Number of videos in the batch.
    public var count: Int { ids.count }
}
