import Tensor
import YT8MData
import Zoo

/// The segment inference view of a frame-level pass (the starter's
/// `inference.py` `get_segments`): every video is cut into segments of
/// `SegmentRating.length` frames from frame 0, the last one padded with
/// zero frames and given its true length, each with the id `VIDEO:START`
/// and its video's labels. Batches hold at most `segmentsPerBatch`
/// segments, in video then start order.
public final class SegmentBatchSource: BatchSource {
    private let videos: BatchSource
    private let segmentsPerBatch: Int
    private var pending: [TrainingBatch] = []

    /// Cuts the videos of `videos`, a frame-level source (its inputs `[B, T, F]` with lengths).
    public init(videos: BatchSource, segmentsPerBatch: Int = 512) {
        precondition(segmentsPerBatch > 0, "SegmentBatchSource: segmentsPerBatch must be positive, got \(segmentsPerBatch)")
        self.videos = videos
        self.segmentsPerBatch = segmentsPerBatch
    }

    /// The next batch, or nil when a finite pass is over.
    public func nextBatch() throws -> TrainingBatch? {
        while pending.isEmpty {
            guard let batch = try videos.nextBatch() else { return nil }
            pending = Self.segments(of: batch, perBatch: segmentsPerBatch)
        }
        return pending.removeFirst()
    }

    /// The position in the stream as text, for a checkpoint (``restore(_:)`` reads it back).
    public var resumeState: String { videos.resumeState }
    /// Moves the stream to a position written by ``resumeState``.
    public func restore(_ state: String) throws { pending = []; try videos.restore(state) }
    /// Starts a new pass from the beginning.
    public func reset() throws { pending = []; try videos.reset() }

    /// The segments of one batch of videos, in batches of at most `perBatch`.
    static func segments(of batch: TrainingBatch, perBatch: Int) -> [TrainingBatch] {
        let x = batch.input.features
        guard x.rank == 3, let lengths = batch.input.lengths else {
            preconditionFailure("SegmentBatchSource: needs frame-level batches [B, T, F] with lengths, got \(x.shape)")
        }
        let (time, width) = (x.shape[1], x.shape[2]), L = SegmentRating.length
        let frames = x.floats, labels = batch.labels.floats, classes = batch.labels.shape[1]
        // (video, start) of every segment: starts 0, L, … below the video's frame count.
        let cuts = lengths.enumerated().flatMap { v, n in stride(from: 0, to: n, by: L).map { (v, $0) } }
        return stride(from: 0, to: cuts.count, by: perBatch).map { first in
            let part = cuts[first..<min(first + perBatch, cuts.count)]
            var features = [Float](repeating: 0, count: part.count * L * width)
            var segmentLabels = [Float](repeating: 0, count: part.count * classes)
            var segmentLengths: [Int] = [], ids: [String] = []
            for (s, (v, start)) in part.enumerated() {
                let n = min(L, lengths[v] - start, time - start)
                let from = (v * time + start) * width
                features.replaceSubrange((s * L * width)..<((s * L + n) * width), with: frames[from..<(from + n * width)])
                segmentLabels.replaceSubrange((s * classes)..<((s + 1) * classes), with: labels[(v * classes)..<((v + 1) * classes)])
                segmentLengths.append(n)
                ids.append(SegmentRating.segmentID(video: batch.ids[v], startTime: start))
            }
            return TrainingBatch(input: ModelInput(features: Tensor(features, shape: [part.count, L, width]), lengths: segmentLengths,
                                                   rgbSize: batch.input.rgbSize),
                                 labels: Tensor(segmentLabels, shape: [part.count, classes]), ids: ids)
        }
    }
}
