/// The level of a YouTube-8M dataset's records.
public enum YT8MDatasetLevel: String, Codable, Sendable {
    /// `tf.train.Example` records with `mean_rgb` / `mean_audio`.
    case video
    /// `tf.train.SequenceExample` records with per-frame `rgb` / `audio`.
    case frame
}

/// Whether batches carry the teacher's predictions (distillation, docs/zoo.md).
public enum TeacherPredictions: Equatable, Sendable {
    /// Never read them.
    case ignore
    /// Read the float-list context feature `key` (`numClasses` values) when records have it. A batch
    /// has `teacherPredictions` when all its records carry the feature; a batch mixing records with
    /// and without it is an error naming the first record that lacks it.
    case ifPresent(key: String)
    /// Every record must carry the feature `key`.
    case required(key: String)

    var key: String? {
        switch self {
        case .ignore: return nil
        case .ifPresent(let key), .required(let key): return key
        }
    }
}

/// How a `YT8MDataset` reads, shuffles, samples and batches its records.
public struct YT8MDatasetOptions: Sendable {
    /// The records' level.
    public var level: YT8MDatasetLevel
    /// Keys, sizes, class count and quantization of the records.
    public var format: YT8MRecordFormat
    /// Videos per batch.
    public var batchSize: Int
    /// Drop an epoch's last batch when it is smaller than `batchSize`.
    public var dropRemainder: Bool
    /// Shuffle the order of the files at every epoch.
    public var shuffleFiles: Bool
    /// Size of the shuffle buffer in records (1 = no shuffling of records; records are kept
    /// serialized in the buffer, about 175 KB per frame-level record of 150 frames).
    public var shuffleBufferSize: Int
    /// Seed of every random choice (file order, shuffle buffer, frame sampling).
    public var seed: UInt64
    /// Frame level: frames kept per video before sampling (`max_frames`, starter default 300).
    public var maxFrames: Int
    /// Frame level: what goes into `features`.
    public var frameInput: FrameLevelInput
    /// Teacher predictions for distillation.
    public var teacherPredictions: TeacherPredictions
    /// Batches decoded ahead of the consumer (the bounded queue's capacity).
    public var prefetchBatches: Int
    /// Threads that decode batches (check CRCs, parse, sample and dequantize), each working on a
    /// whole batch; batches still come out in order. A separate, lightly loaded thread reads the
    /// files and fills the shuffle buffer.
    public var decodeThreads: Int
    /// Skip (and count) records whose checksums are bad instead of failing; a truncated file or a
    /// bad length checksum ends that file. Checksums are then checked on the reading thread.
    public var skipCorruptRecords: Bool
    /// Number of epochs to produce (nil: unlimited).
    public var epochs: Int?
    /// The share of every batch this dataset delivers, for one rank of a
    /// data-parallel job (nil: whole batches). See ``BatchShare``.
    public var share: BatchShare?

    /// Evaluation-style defaults: batch 1024 (video level, the starter's) or 128 (frame level; the
    /// starter's 1024 × 300 frames would be 1.4 GB per batch), 300 frames (`max_frames`), every
    /// frame, no shuffling, two batches of prefetch, one decoding thread, unlimited epochs.
    public init(level: YT8MDatasetLevel,
                format: YT8MRecordFormat = .yt8m2018,
                batchSize: Int? = nil,
                dropRemainder: Bool = false,
                shuffleFiles: Bool = false,
                shuffleBufferSize: Int = 1,
                seed: UInt64 = 0,
                maxFrames: Int = 300,
                frameInput: FrameLevelInput = .frames(.all),
                teacherPredictions: TeacherPredictions = .ignore,
                prefetchBatches: Int = 2,
                decodeThreads: Int = 1,
                skipCorruptRecords: Bool = false,
                epochs: Int? = nil) {
        self.level = level
        self.format = format
        self.batchSize = batchSize ?? (level == .video ? 1024 : 128)
        self.dropRemainder = dropRemainder
        self.shuffleFiles = shuffleFiles
        self.shuffleBufferSize = shuffleBufferSize
        self.seed = seed
        self.maxFrames = maxFrames
        self.frameInput = frameInput
        self.teacherPredictions = teacherPredictions
        self.prefetchBatches = prefetchBatches
        self.decodeThreads = decodeThreads
        self.skipCorruptRecords = skipCorruptRecords
        self.epochs = epochs
    }

    /// Training defaults: files shuffled, a 4096-record shuffle buffer (1024 at frame level) and,
    /// at frame level, 300 frames sampled with replacement (starter `SampleRandomFrames`).
    public static func training(level: YT8MDatasetLevel, format: YT8MRecordFormat = .yt8m2018,
                                batchSize: Int? = nil, seed: UInt64 = 0) -> YT8MDatasetOptions {
        YT8MDatasetOptions(level: level, format: format, batchSize: batchSize, shuffleFiles: true,
                           shuffleBufferSize: level == .video ? 4096 : 1024, seed: seed,
                           frameInput: .frames(.randomWithReplacement(count: 300)))
    }

    /// Throws `YT8MDatasetError.invalidOption` for the first option out of range.
    public func validate() throws {
        func require(_ ok: Bool, _ name: String, _ value: Any, _ requirement: String) throws {
            guard ok else { throw YT8MDatasetError(.invalidOption(name: name, value: "\(value)", requirement: requirement)) }
        }
        try require(batchSize >= 1, "batchSize", batchSize, "must be at least 1")
        try require(shuffleBufferSize >= 1, "shuffleBufferSize", shuffleBufferSize, "must be at least 1")
        try require(maxFrames >= 1, "maxFrames", maxFrames, "must be at least 1")
        try require(prefetchBatches >= 1, "prefetchBatches", prefetchBatches, "must be at least 1")
        try require(decodeThreads >= 1, "decodeThreads", decodeThreads, "must be at least 1")
        try require(epochs.map { $0 >= 1 } ?? true, "epochs", epochs as Any, "must be at least 1")
        try require(format.numClasses >= 1, "format.numClasses", format.numClasses, "must be at least 1")
        if let share {
            try require(share.parts >= 1 && share.part >= 0 && share.part < share.parts, "share",
                        "\(share.part) of \(share.parts)", "must be a part in 0..<parts")
            if share.unit == .videos {
                try require(batchSize >= share.parts, "batchSize", batchSize, "must be at least the \(share.parts) parts it is shared by")
            }
        }
        if level == .frame {
            try require(!format.frameFeatures.isEmpty, "format.frameFeatures", format.frameFeatures, "must not be empty")
            switch frameInput {
            case .frames(.all):
                break
            case .frames(.randomWithReplacement(let count)), .frames(.uniform(let count)):
                try require(count >= 1, "frame sampling count", count, "must be at least 1")
            case .frames(.scenes(let count, _)):
                try require(count >= 1, "frame sampling count", count, "must be at least 1")
            case .statistics(let list):
                try require(!list.isEmpty && Set(list).count == list.count, "frame statistics", list,
                            "must be a non-empty list without repeats")
            }
        }
    }

    /// Width of one feature row: `[B, width]` (video level, statistics) or `[B, T, width]` (frames).
    var featureWidth: Int {
        switch (level, frameInput) {
        case (.video, _): return format.videoFeatureWidth
        case (.frame, .frames): return format.frameFeatureWidth
        case (.frame, .statistics(let list)): return FrameStatistics.width(of: list, frameWidth: format.frameFeatureWidth)
        }
    }

    /// The shape of one video's features (without the batch axis).
    var rowShape: [Int] {
        if level == .frame, case .frames(let sampling) = frameInput {
            return [sampling.rowCount(maxFrames: maxFrames), featureWidth]
        }
        return [featureWidth]
    }
}

/// The share of every batch one rank of a data-parallel job reads: videos
/// `part`, `part + parts`, `part + 2·parts`, … of each batch of `batchSize`
/// (the strided share PyTorch's `DistributedSampler` deals), so the union of
/// the shares is the batch one process would read.
///
/// Every rank steps through the same shuffled record order, but on the
/// records of other parts it reads only the 12-byte header that gives the
/// length; the data (CRC, protobuf, frames) of a video is read and decoded by
/// the one rank that trains on it. A last batch of an epoch with fewer videos
/// than `parts` is dropped on every rank alike, so no share is ever empty and
/// every rank runs the same number of steps. With `skipCorruptRecords`, every
/// rank checks every record's data (a skipped record moves the order for
/// all), and decodes only its own.
///
/// With ``Unit/batches`` the share is whole batches instead: batches `part`,
/// `part + parts`, … of each epoch (evaluation, where each rank scores its
/// batches and the ranks gather the results), the others' records again
/// stepped over on their headers.
public struct BatchShare: Sendable, Equatable {
    /// What is dealt out to the parts.
    public enum Unit: Sendable, Equatable {
        /// Videos of every batch (training).
        case videos
        /// Whole batches (evaluation).
        case batches
    }

    /// This share, in `0..<parts`.
    public let part: Int
    /// The number of shares each batch is split into (the ranks).
    public let parts: Int
    /// Videos of every batch, or whole batches.
    public let unit: Unit

    /// Share `part` of `parts`, of every batch's videos or of the batches.
    public init(part: Int, of parts: Int, unit: Unit = .videos) {
        self.part = part
        self.parts = parts
        self.unit = unit
    }
}

/// Seeds of the dataset's random streams, derived from the user's seed so that every stream can be
/// recreated from `(seed, epoch, position)` (SplitMix64 finalizer over the combined words).
public enum DatasetSeeds {
    /// The seed of stream `stream` at `epoch`: 0 = file order, 1 = shuffle buffer, 2 + p = frame
    /// sampling of the video at position p.
    public static func seed(_ seed: UInt64, epoch: Int, stream: Int) -> UInt64 {
        var x = mix(seed ^ 0x5DEE_CE66_D1CE_4E5B)
        x = mix(x ^ UInt64(truncatingIfNeeded: epoch))
        return mix(x ^ UInt64(truncatingIfNeeded: stream))
    }

    static func mix(_ value: UInt64) -> UInt64 {
        var z = value &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
