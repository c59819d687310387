import Collectives
import Metrics
import NN
import Tensor
import Training
import Zoo

/// A pass over evaluation data shared between the ranks (validation in
/// training, `yt8m eval` and `yt8m predict`): rank r runs the model on
/// batches r, r + N, r + 2N, … of the pass, keeps each video's best-ranked
/// classes (as many as the metrics look at: `topK`, or its label count when
/// larger) with its labels, and the ranks allgather those; every rank then
/// adds the videos in the pass's order and gets the metrics one process
/// scoring every batch gets, exactly (the same batches give the same
/// predictions, and GAP@20, MAP, Hit@1 and PERR read nothing past those
/// classes). So every rank takes the same early-stopping and best-checkpoint
/// decisions.
///
/// A `DatasetBatchSource` is read through a whole-batch share
/// (`DatasetBatchSource.readingShare(_:of:unit:)`), so a rank reads and
/// decodes only its own batches' data; any other source is read whole on
/// every rank, the model running on its share.
public final class ShardedEvaluation: ModelEvaluation {
    /// The ranks' collectives.
    public let communicator: any Communicator
    /// Each dataset source's whole-batch share for this rank, made on first use.
    private var shares: [(source: DatasetBatchSource, share: DatasetBatchSource)] = []

    /// A pass shared between the ranks of `communicator`.
    public init(communicator: any Communicator) { self.communicator = communicator }

    /// This rank's whole-batch share of `source`, made once per source.
    private func share(of source: DatasetBatchSource) throws -> DatasetBatchSource {
        if let known = shares.first(where: { $0.source === source }) { return known.share }
        let made = try source.readingShare(communicator.rank, of: communicator.size, unit: .batches)
        shares.append((source, made))
        return made
    }

    /// The metrics of `model` over one pass of `source` (at most `maxBatches` batches), on every rank alike.
    public func evaluate(_ model: any ZooModel, on source: BatchSource, maxBatches: Int?) throws -> EvaluationResult {
        let topK = EvaluationMetrics(numClasses: model.numClasses).topK
        let videos = try scoredVideos(model, on: source, maxBatches: maxBatches) { max(topK, Set($0).count) }
        var metrics = EvaluationMetrics(numClasses: model.numClasses)
        try metrics.accumulate(sparsePredictions: videos.map(\.ranked), labels: videos.map(\.labels))
        try metrics.requireLabels()
        return metrics.result()
    }

    /// Every video of one pass with its `topK` best classes, in the pass's
    /// order, on every rank alike (rank 0 writes them).
    public func rankedPredictions(_ model: any ZooModel, on source: BatchSource, topK: Int) throws -> [KaggleSubmission.Row] {
        try scoredVideos(model, on: source, maxBatches: nil) { _ in topK }
            .map { KaggleSubmission.Row(videoID: $0.id, predictions: $0.ranked) }
    }

    /// Runs the model on this rank's batches of one pass, keeps each video's
    /// `keep(labels)` best classes, and gathers every rank's videos in the pass's order.
    func scoredVideos(_ model: any ZooModel, on source: BatchSource, maxBatches: Int?,
                      keep: ([Int]) -> Int) throws -> [VideoScores.Video] {
        let wasTraining = model.isTraining
        model.eval()
        defer { if wasTraining { model.train() } }
        // A dataset delivers this rank's batches only (rank, rank + N, …); another source every batch.
        let dataset = communicator.size > 1 ? source as? DatasetBatchSource : nil
        let local: BatchSource = try dataset.map { try share(of: $0) } ?? source
        try local.reset()
        var mine = VideoScores()
        var delivered = 0
        while let batch = try local.nextBatch() {
            let index = dataset != nil ? communicator.rank + delivered * communicator.size : delivered
            delivered += 1
            if let maxBatches, index >= maxBatches { break }
            guard dataset != nil || index % communicator.size == communicator.rank else { continue }
            let scores = batch.weighted(withoutGrad { model(batch.input).probabilities }.floats)
            let c = model.numClasses
            for (row, labels) in batch.labelIndices.enumerated() {
                let ranked = TopKSelection.select(Array(scores[(row * c)..<((row + 1) * c)]), k: keep(labels))
                mine.append(VideoScores.Video(batch: index, row: row, id: batch.ids[row], ranked: ranked, labels: labels))
            }
        }
        let gathered = try communicator.allgather(mine.bytes).map { try VideoScores(bytes: $0) }
        return gathered.flatMap(\.videos).sorted { ($0.batch, $0.row) < ($1.batch, $1.row) }
    }
}

/// One rank's scored videos, as bytes for an allgather: per video its batch
/// and row in the pass, its id, its ranked (class, score) pairs and its
/// labels, all little-endian.
struct VideoScores {
    struct Video {
        var batch: Int, row: Int
        var id: String
        var ranked: [ClassScore]
        var labels: [Int]
    }
    private(set) var videos: [Video] = []

    init() {}

    mutating func append(_ video: Video) { videos.append(video) }

    var bytes: [UInt8] {
        var out: [UInt8] = []
        func put(_ v: UInt32) { withUnsafeBytes(of: v.littleEndian) { out.append(contentsOf: $0) } }
        for v in videos {
            let id = Array(v.id.utf8)
            put(UInt32(v.batch)); put(UInt32(v.row)); put(UInt32(id.count)); put(UInt32(v.ranked.count)); put(UInt32(v.labels.count))
            out.append(contentsOf: id)
            for p in v.ranked { put(UInt32(p.classIndex)); put(p.score.bitPattern) }
            for l in v.labels { put(UInt32(l)) }
        }
        return out
    }

    /// Reads ``bytes`` back; throws when another rank sent something malformed.
    init(bytes: [UInt8]) throws {
        var i = 0
        func get() throws -> UInt32 {
            guard i + 4 <= bytes.count else { throw DataParallelError.malformedScores(bytes: bytes.count) }
            defer { i += 4 }
            return UInt32(bytes[i]) | UInt32(bytes[i + 1]) << 8 | UInt32(bytes[i + 2]) << 16 | UInt32(bytes[i + 3]) << 24
        }
        while i < bytes.count {
            let batch = Int(try get()), row = Int(try get()), idLength = Int(try get()), n = Int(try get()), l = Int(try get())
            guard i + idLength <= bytes.count else { throw DataParallelError.malformedScores(bytes: bytes.count) }
            let id = String(decoding: bytes[i..<(i + idLength)], as: UTF8.self)
            i += idLength
            var ranked: [ClassScore] = []
            for _ in 0..<n { ranked.append(ClassScore(classIndex: Int(try get()), score: Float(bitPattern: try get()))) }
            var labels: [Int] = []
            for _ in 0..<l { labels.append(Int(try get())) }
            videos.append(Video(batch: batch, row: row, id: id, ranked: ranked, labels: labels))
        }
    }
}
