import Foundation
import Tensor
import YT8MData
import Zoo

/// The training view of segment-rated files (the starter's frame reader with
/// `segment_labels`): each rated segment of a video, that is each distinct
/// start time among its ratings, is one example of `SegmentRating.length`
/// frames from that start. Its target for a rated class is the rating's score
/// (1 or 0) and its label weights are 1 for the rated classes and 0 for all
/// others, so a segment says nothing about classes nobody rated. Ids are
/// `VIDEO:START`. Videos without ratings contribute nothing.
///
/// Batches hold `segmentsPerBatch` segments, taken in video order and, within
/// a video, in the order its ratings first name each start; a finite pass
/// ends with a smaller batch. The stream resumes exactly: its state is the
/// position of the video batch its next segment comes from and how many of
/// that batch's segments were already delivered.
public final class RatedSegmentBatchSource: BatchSource {
    private let videos: DatasetBatchSource
    /// Segments per batch.
    public let segmentsPerBatch: Int
    /// Segments cut but not delivered, per video batch, with the state that batch was read from.
    private var chunks: [(before: String, segments: [Segment])] = []
    /// Segments of `chunks[0]` already delivered.
    private var deliveredOfFirst = 0
    /// After a restore, the segments of the first chunk read that were delivered before.
    private var skipInNextChunk = 0
    /// The video pass ended while segments were still pending: the pass ends once they are delivered.
    private var passEnded = false

    /// One rated segment, cut out of its video's frames.
    private struct Segment {
        var id: String
        var frames: ArraySlice<Float>
        var length: Int
        var ratings: [(label: Int, score: Float)]
    }

    /// The rated segments of `videos`, a frame-level source reading every frame
    /// in order (`FrameSampling.all`): a segment's frames are cut at its start time.
    public init(videos: DatasetBatchSource, segmentsPerBatch: Int) {
        let options = videos.dataset.options
        guard options.level == .frame, case .frames(.all) = options.frameInput else {
            preconditionFailure("RatedSegmentBatchSource: needs a frame-level dataset reading all frames in order, got \(options.level) with \(options.frameInput)")
        }
        precondition(segmentsPerBatch > 0, "RatedSegmentBatchSource: segmentsPerBatch must be positive, got \(segmentsPerBatch)")
        self.videos = videos
        self.segmentsPerBatch = segmentsPerBatch
    }

    private var pendingCount: Int { chunks.reduce(0) { $0 + $1.segments.count } - deliveredOfFirst }

    /// The next batch, or nil when a finite pass is over.
    public func nextBatch() throws -> TrainingBatch? {
        if passEnded && pendingCount == 0 { passEnded = false; return nil }
        var emptyEpochs = 0, epoch = videos.dataset.state.epoch
        while pendingCount < segmentsPerBatch && !passEnded {
            let before = videos.resumeState
            guard let batch = try videos.nextDatasetBatch() else { passEnded = true; break }
            let segments = try Self.ratedSegments(of: batch)
            if segments.isEmpty {
                // An endless stream over files without ratings would never fill a batch.
                if batch.stateAfter.epoch != epoch { epoch = batch.stateAfter.epoch; emptyEpochs += 1 }
                if emptyEpochs > 1 && pendingCount == 0 { throw SegmentTrainingError.noRatedSegments(files: videos.dataset.files) }
                continue
            }
            if chunks.isEmpty { deliveredOfFirst = skipInNextChunk; skipInNextChunk = 0 }
            chunks.append((before, segments))
        }
        guard pendingCount > 0 else { passEnded = false; return nil }
        var taken: [Segment] = []
        while taken.count < segmentsPerBatch, let first = chunks.first {
            let n = min(segmentsPerBatch - taken.count, first.segments.count - deliveredOfFirst)
            taken += first.segments[deliveredOfFirst..<(deliveredOfFirst + n)]
            deliveredOfFirst += n
            if deliveredOfFirst == first.segments.count { chunks.removeFirst(); deliveredOfFirst = 0 }
        }
        return batch(of: taken)
    }

    /// The position: the video batch the next segment comes from, and the segments of it already delivered.
    private struct State: Codable {
        var videos: String
        var delivered: Int
    }

    /// The position in the stream as text, for a checkpoint (``restore(_:)`` reads it back).
    public var resumeState: String {
        let state = State(videos: chunks.first?.before ?? videos.resumeState, delivered: chunks.isEmpty ? 0 : deliveredOfFirst)
        return (try? String(decoding: JSONEncoder.sorted.encode(state), as: UTF8.self)) ?? ""
    }

    /// Moves the stream to a position written by ``resumeState``.
    public func restore(_ state: String) throws {
        guard let s = try? JSONDecoder().decode(State.self, from: Data(state.utf8)), s.delivered >= 0 else {
            throw BatchSourceError.badResumeState(state)
        }
        try videos.restore(s.videos)
        chunks = []
        deliveredOfFirst = 0
        skipInNextChunk = s.delivered
        passEnded = false
    }

    /// Starts a new pass from the beginning.
    public func reset() throws {
        try videos.reset()
        chunks = []
        deliveredOfFirst = 0
        skipInNextChunk = 0
        passEnded = false
    }

    /// The rated segments of one batch of videos, in video order.
    private static func ratedSegments(of batch: YT8MBatch) throws -> [Segment] {
        let x = batch.features
        let (time, width) = (x.shape[1], x.shape[2]), L = SegmentRating.length
        let frames = x.floats
        var segments: [Segment] = []
        for (v, ratings) in batch.segmentRatings.enumerated() where !ratings.isEmpty {
            var starts: [Int] = [], byStart: [Int: [(label: Int, score: Float)]] = [:]
            for r in ratings {
                if byStart[r.startTime] == nil { starts.append(r.startTime) }
                byStart[r.startTime, default: []].append((r.label, r.positive ? 1 : 0))
            }
            let framesRead = min(batch.frameCounts[v], time)
            for start in starts {
                guard start < framesRead else {
                    throw SegmentTrainingError.segmentBeyondFramesRead(video: batch.ids[v], startTime: start, framesRead: framesRead)
                }
                let n = min(L, framesRead - start), from = (v * time + start) * width
                segments.append(Segment(id: SegmentRating.segmentID(video: batch.ids[v], startTime: start),
                                        frames: frames[from..<(from + n * width)], length: n, ratings: byStart[start]!))
            }
        }
        return segments
    }

    /// A training batch of `segments`: frames `[S, L, F]` (short ones padded with zeros), targets and label weights `[S, C]`.
    private func batch(of segments: [Segment]) -> TrainingBatch {
        let options = videos.dataset.options
        let width = options.format.frameFeatureWidth, classes = options.format.numClasses, L = SegmentRating.length
        var features = [Float](repeating: 0, count: segments.count * L * width)
        var targets = [Float](repeating: 0, count: segments.count * classes)
        var weights = [Float](repeating: 0, count: segments.count * classes)
        for (s, segment) in segments.enumerated() {
            features.replaceSubrange((s * L * width)..<(s * L * width + segment.frames.count), with: segment.frames)
            for (label, score) in segment.ratings {
                targets[s * classes + label] = score
                weights[s * classes + label] = 1
            }
        }
        return TrainingBatch(input: ModelInput(features: Tensor(features, shape: [segments.count, L, width]),
                                               lengths: segments.map(\.length)),
                             labels: Tensor(targets, shape: [segments.count, classes]),
                             labelWeights: Tensor(weights, shape: [segments.count, classes]), ids: segments.map(\.id))
    }
}

/// Why segment-rated data cannot be trained on.
public enum SegmentTrainingError: Error, CustomStringConvertible, Equatable {
    /// A whole pass over the files gave no rated segment: they are video-rated, not the 2019 segment-rated release.
    case noRatedSegments(files: [String])
    /// A rating starts at or past the frames the dataset reads of its video (its `maxFrames`).
    case segmentBeyondFramesRead(video: String, startTime: Int, framesRead: Int)

    /// The problem in words, naming what was wrong and where.
    public var description: String {
        switch self {
        case .noRatedSegments(let files):
            let shown = files.prefix(3).joined(separator: ", ") + (files.count > 3 ? ", … (\(files.count) files)" : "")
            return "no record of \(shown) has segment ratings (segment_start_times, segment_labels, segment_scores): training on segment labels needs the 2019 segment-rated files"
        case .segmentBeyondFramesRead(let video, let start, let read):
            return "video \(video): a segment rating starts at frame \(start), but only \(read) frames are read; raise the model's maxFrames"
        }
    }
}
