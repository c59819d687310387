import Collectives
import Metrics
import NN
import Tensor
import Training
import Zoo

/// A validation pass shared between the ranks: rank r runs the model on
/// batches r, r + N, r + 2N, … of the pass, keeps each video's best-ranked
/// classes (as many as the metrics look at: `topK`, or its label count when
/// larger) with its labels, and the ranks allgather those; every rank then
/// adds the videos in the pass's order and gets the metrics one process
/// scoring every batch gets, exactly (the same batches give the same
/// predictions, and GAP@20, MAP, Hit@1 and PERR read nothing past those
/// classes). So every rank takes the same early-stopping and best-checkpoint
/// decisions.
///
/// Every rank still reads the whole pass (the source is any
/// `BatchSource`); the model runs on a 1/N share of it.
public struct ShardedEvaluation: ModelEvaluation {
    /// The ranks' collectives.
    public let communicator: any Communicator

    /// A pass shared between the ranks of `communicator`.
    public init(communicator: any Communicator) { self.communicator = communicator }

    /// The metrics of `model` over one pass of `source` (at most `maxBatches` batches), on every rank alike.
    public func evaluate(_ model: any ZooModel, on source: BatchSource, maxBatches: Int?) throws -> EvaluationResult {
        let wasTraining = model.isTraining
        model.eval()
        defer { if wasTraining { model.train() } }
        try source.reset()
        let topK = EvaluationMetrics(numClasses: model.numClasses).topK
        var mine = VideoScores()
        var index = 0
        while maxBatches.map({ index < $0 }) ?? true, let batch = try source.nextBatch() {
            defer { index += 1 }
            guard index % communicator.size == communicator.rank else { continue }
            let scores = batch.weighted(withoutGrad { model(batch.input).probabilities }.floats)
            let c = model.numClasses
            for (row, labels) in batch.labelIndices.enumerated() {
                let ranked = TopKSelection.select(Array(scores[(row * c)..<((row + 1) * c)]), k: max(topK, Set(labels).count))
                mine.append(batch: index, row: row, ranked: ranked, labels: labels)
            }
        }
        let gathered = try communicator.allgather(mine.bytes).map { try VideoScores(bytes: $0) }
        var videos = gathered.flatMap(\.videos)
        videos.sort { ($0.batch, $0.row) < ($1.batch, $1.row) }
        var metrics = EvaluationMetrics(numClasses: model.numClasses)
        try metrics.accumulate(sparsePredictions: videos.map(\.ranked), labels: videos.map(\.labels))
        try metrics.requireLabels()
        return metrics.result()
    }
}

/// One rank's scored videos, as bytes for an allgather: per video its batch
/// and row in the pass, its ranked (class, score) pairs and its labels,
/// all little-endian.
struct VideoScores {
    struct Video {
        var batch: Int, row: Int
        var ranked: [ClassScore]
        var labels: [Int]
    }
    private(set) var videos: [Video] = []

    init() {}

    mutating func append(batch: Int, row: Int, ranked: [ClassScore], labels: [Int]) {
        videos.append(Video(batch: batch, row: row, ranked: ranked, labels: labels))
    }

    var bytes: [UInt8] {
        var out: [UInt8] = []
        func put(_ v: UInt32) { withUnsafeBytes(of: v.littleEndian) { out.append(contentsOf: $0) } }
        for v in videos {
            put(UInt32(v.batch)); put(UInt32(v.row)); put(UInt32(v.ranked.count)); put(UInt32(v.labels.count))
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
            let batch = Int(try get()), row = Int(try get()), n = Int(try get()), l = Int(try get())
            var ranked: [ClassScore] = []
            for _ in 0..<n { ranked.append(ClassScore(classIndex: Int(try get()), score: Float(bitPattern: try get()))) }
            var labels: [Int] = []
            for _ in 0..<l { labels.append(Int(try get())) }
            videos.append(Video(batch: batch, row: row, ranked: ranked, labels: labels))
        }
    }
}
