import TFRecord

/// The label frequencies of the first videos of some record files: each
/// class's share of the videos that carry it, the prior a classifier's output
/// bias can start from (`ZooModel.initializeOutputBias(toPrior:)`).
///
/// The videos are read in file order, ids and labels only (frame lists are
/// skipped), up to a number of videos (``defaultMaxVideos`` unless asked):
/// the same files give the same prior in every process, whatever the
/// shuffling or sharding of the training stream. The
/// ``probabilities`` are smoothed, (n_c + ½)/(N + 1), so a class never seen
/// still gets a small probability, and clipped to ``clipRange``.
public struct LabelPrior: Equatable, Sendable {
    /// Videos read by default: enough for the frequencies of the classes that
    /// matter at the start, a fraction of a second of label reading.
    public static let defaultMaxVideos = 10_000
    /// The range the probabilities are clipped to: 1e-4 keeps a logit bias
    /// above −9.2 for classes absent from the sample, 0.5 keeps a class
    /// carried by most videos from starting near certainty.
    public static let clipRange: ClosedRange<Double> = 1e-4...0.5

    /// n_c, videos that carry class c, for each class.
    public let counts: [Int]
    /// N, videos read.
    public let videos: Int

    /// The prior of `videos` videos of which `counts[c]` carry class c.
    public init(counts: [Int], videos: Int) {
        precondition(videos >= 0 && counts.allSatisfy { $0 >= 0 && $0 <= videos },
                     "LabelPrior: counts must be in 0…\(videos), got \(counts.prefix(8))…")
        self.counts = counts
        self.videos = videos
    }

    /// Counts the labels of the first `maxVideos` videos of `files`, in order
    /// (all of them when there are fewer). Throws `TFRecordError`,
    /// `YT8MRecordError` naming the file and record, or `FileIOError`; with
    /// `skipCorrupt` a record whose data checksum is wrong is left out, as
    /// the dataset leaves it out.
    public init(files: [String], format: YT8MRecordFormat, maxVideos: Int = LabelPrior.defaultMaxVideos,
                skipCorrupt: Bool = false) throws {
        precondition(maxVideos > 0, "LabelPrior: maxVideos must be positive, got \(maxVideos)")
        var counts = [Int](repeating: 0, count: format.numClasses), videos = 0
        try YT8MRecordSummary.scan(files, format: format, skipCorrupt: skipCorrupt) { summary, _, _ in
            // A label listed twice still counts the video once.
            for c in Set(summary.labels) { counts[c] += 1 }
            videos += 1
            return videos < maxVideos
        }
        self.init(counts: counts, videos: videos)
    }

    /// Classes counted.
    public var numClasses: Int { counts.count }

    /// q_c = (n_c + ½)/(N + 1), clipped to ``clipRange``.
    public var probabilities: [Double] {
        counts.map { min(max((Double($0) + 0.5) / Double(videos + 1), Self.clipRange.lowerBound), Self.clipRange.upperBound) }
    }
}
