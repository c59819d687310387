/// The YouTube-8M evaluation metrics accumulated batch by batch over an evaluation set, as
/// google/youtube-8m `eval_util.py` `EvaluationMetrics` does: GAP@k, MAP (per-class AP), Hit@1, PERR.
///
/// Input: predictions row-major `[videos, numClasses]` (`accumulate(predictions:labels:)`) or, for
/// submissions that only list some classes, sparse (class, score) lists per video
/// (`accumulate(sparsePredictions:labels:)`); labels as lists of class indices per video
/// (duplicates count once; `multiHot:` converts a dense 0/1 matrix, values > 0 being positive).
///
/// - GAP@k: every video contributes its top-k (class, score, label) triplets; all triplets of the
///   set are ranked together and `GAP = AveragePrecision(ranked, numPositives = total labels)`.
/// - MAP: the same triplets split by class; `AP_c` with `numPositives = labels of class c`; classes
///   with no labels in the set are dropped; MAP = mean of the rest (0 if none remain).
/// - Hit@1 and PERR: per video (`PerVideoMetrics`), averaged over videos.
///
/// Tie rule (deterministic, project decision; the starter orders ties by a seeded shuffle): equal
/// scores rank by (video index, class index) ascending, video indices counting accumulated videos
/// from 0; inside one video the top-k also breaks ties by lower class index. Tie-free inputs give
/// exactly the starter's values.
///
/// Memory: k triplets (16 bytes) per video; `result()` sorts them once, O(N log N), N = videos·k.
public struct EvaluationMetrics {
    /// Number of classes.
    public let numClasses: Int
    /// Predictions kept per video for GAP and MAP (`top_k`, 20 by default; capped at `numClasses`).
    public let topK: Int
    /// Number of videos accumulated.
    public private(set) var videoCount = 0

    private struct Triplet {
        var score: Float
        var video: UInt32
        var classIndex: UInt32
        var positive: Bool
    }

    private var triplets: [Triplet] = []
    private var positivesPerClass: [Int]
    private var sumHitAtOne = 0.0
    private var sumPERR = 0.0
    private var isPositive: [Bool]

    /// Creates an empty accumulator.
    public init(numClasses: Int, topK: Int = 20) {
        precondition(numClasses > 0, "EvaluationMetrics: numClasses must be positive, got \(numClasses)")
        precondition(topK > 0, "EvaluationMetrics: topK must be positive, got \(topK)")
        self.numClasses = numClasses
        self.topK = min(topK, numClasses)
        positivesPerClass = [Int](repeating: 0, count: numClasses)
        isPositive = [Bool](repeating: false, count: numClasses)
    }

    /// Throws ``MetricsError`` (``MetricsError/Problem/noLabels(videos:)``)
    /// when videos were accumulated and none of them has a label, so that an
    /// unlabelled split is an error rather than a GAP of 0.
    public func requireLabels() throws {
        guard videoCount == 0 || positivesPerClass.contains(where: { $0 > 0 }) else {
            throw MetricsError(problem: .noLabels(videos: videoCount))
        }
    }

    /// Adds a batch: `predictions` row-major `[labels.count, numClasses]`, `labels[v]` the class
    /// indices of video v. Throws `MetricsError` (naming the video) on bad shapes, labels or NaN.
    public mutating func accumulate(predictions: [Float], labels: [[Int]]) throws {
        guard predictions.count == labels.count * numClasses else {
            throw MetricsError(problem: .predictionCountMismatch(predictions: predictions.count,
                                                                 videos: labels.count, numClasses: numClasses))
        }
        try predictions.withUnsafeBufferPointer { all in
            for (row, videoLabels) in labels.enumerated() {
                let scores = UnsafeBufferPointer(rebasing: all[row * numClasses..<(row + 1) * numClasses])
                for c in 0..<numClasses where scores[c].isNaN {
                    throw MetricsError(videoIndex: videoCount, problem: .nanScore(classIndex: c))
                }
                let positives = try markPositives(videoLabels)
                defer { clearPositives(positives) }
                let needed = max(topK, positives.count)
                let ranked = TopKSelection.select(scores, k: needed)
                addVideo(ranked: ranked, positives: positives)
            }
        }
    }

    /// Adds a batch given as multi-hot labels `[videos, numClasses]` (value > 0 = positive).
    public mutating func accumulate(predictions: [Float], multiHot: [Float]) throws {
        guard multiHot.count % numClasses == 0 else {
            throw MetricsError(problem: .predictionCountMismatch(predictions: multiHot.count,
                                                                 videos: multiHot.count / numClasses,
                                                                 numClasses: numClasses))
        }
        let videos = multiHot.count / numClasses
        let labels = (0..<videos).map { v in
            (0..<numClasses).filter { multiHot[v * numClasses + $0] > 0 }
        }
        try accumulate(predictions: predictions, labels: labels)
    }

    /// Adds videos whose predictions list only some classes (e.g. a top-20 submission). Unlisted
    /// classes rank below every listed one and count as score ≤ 0 for PERR.
    public mutating func accumulate(sparsePredictions: [[ClassScore]], labels: [[Int]]) throws {
        guard sparsePredictions.count == labels.count else {
            throw MetricsError(problem: .videoCountMismatch(predictions: sparsePredictions.count, labels: labels.count))
        }
        for (pairs, videoLabels) in zip(sparsePredictions, labels) {
            var seen = Set<Int>()
            for pair in pairs {
                guard pair.classIndex >= 0 && pair.classIndex < numClasses else {
                    throw MetricsError(videoIndex: videoCount,
                                       problem: .classOutOfRange(classIndex: pair.classIndex, numClasses: numClasses))
                }
                guard !pair.score.isNaN else {
                    throw MetricsError(videoIndex: videoCount, problem: .nanScore(classIndex: pair.classIndex))
                }
                guard seen.insert(pair.classIndex).inserted else {
                    throw MetricsError(videoIndex: videoCount, problem: .duplicateClass(classIndex: pair.classIndex))
                }
            }
            let positives = try markPositives(videoLabels)
            defer { clearPositives(positives) }
            addVideo(ranked: TopKSelection.select(pairs, k: max(topK, positives.count)), positives: positives)
        }
    }

    /// Marks the labels of the next video in `isPositive`; returns the distinct labels.
    private mutating func markPositives(_ labels: [Int]) throws -> [Int] {
        var distinct: [Int] = []
        distinct.reserveCapacity(labels.count)
        for label in labels {
            guard label >= 0 && label < numClasses else {
                clearPositives(distinct)
                throw MetricsError(videoIndex: videoCount, problem: .labelOutOfRange(label: label, numClasses: numClasses))
            }
            if !isPositive[label] {
                isPositive[label] = true
                distinct.append(label)
            }
        }
        return distinct
    }

    private mutating func clearPositives(_ labels: [Int]) {
        for label in labels { isPositive[label] = false }
    }

    /// `ranked`: the best max(topK, L) classes, best first (fewer for sparse input).
    private mutating func addVideo(ranked: [ClassScore], positives: [Int]) {
        let flags = isPositive
        let positive = { (c: Int) in flags[c] }
        sumHitAtOne += PerVideoMetrics.hitAtOne(ranked: ranked, isPositive: positive)
        sumPERR += PerVideoMetrics.precisionAtEqualRecallRate(topL: ranked, positiveCount: positives.count,
                                                              isPositive: positive)
        for entry in ranked.prefix(topK) {
            triplets.append(Triplet(score: entry.score, video: UInt32(videoCount),
                                    classIndex: UInt32(entry.classIndex), positive: flags[entry.classIndex]))
        }
        for label in positives { positivesPerClass[label] += 1 }
        videoCount += 1
    }

    /// The metrics over everything accumulated so far.
    public func result() -> EvaluationResult {
        let ordered = triplets.sorted { a, b in
            if a.score != b.score { return a.score > b.score }
            if a.video != b.video { return a.video < b.video }
            return a.classIndex < b.classIndex
        }
        var globalPositives = 0
        var globalSum = 0.0
        var classRank = [Int](repeating: 0, count: numClasses)
        var classPositives = [Int](repeating: 0, count: numClasses)
        var classSum = [Double](repeating: 0, count: numClasses)
        for (rank, t) in ordered.enumerated() {
            let c = Int(t.classIndex)
            classRank[c] += 1
            if t.positive {
                globalPositives += 1
                globalSum += Double(globalPositives) / Double(rank + 1)
                classPositives[c] += 1
                classSum[c] += Double(classPositives[c]) / Double(classRank[c])
            }
        }
        let totalLabels = positivesPerClass.reduce(0, +)
        let perClass: [Double?] = (0..<numClasses).map { c in
            positivesPerClass[c] > 0 ? classSum[c] / Double(positivesPerClass[c]) : nil
        }
        let present = perClass.compactMap { $0 }
        return EvaluationResult(
            videoCount: videoCount,
            globalAveragePrecision: totalLabels > 0 ? globalSum / Double(totalLabels) : 0,
            meanAveragePrecision: present.isEmpty ? 0 : present.reduce(0, +) / Double(present.count),
            hitAtOne: videoCount > 0 ? sumHitAtOne / Double(videoCount) : 0,
            precisionAtEqualRecallRate: videoCount > 0 ? sumPERR / Double(videoCount) : 0,
            perClassAveragePrecision: perClass)
    }
}

/// The metrics of an evaluation set (see `EvaluationMetrics` for definitions).
public struct EvaluationResult: Sendable {
    /// Number of videos evaluated.
    public var videoCount: Int
    /// GAP@k.
    public var globalAveragePrecision: Double
    /// Mean of the per-class APs over classes with at least one label (0 if there are none).
    public var meanAveragePrecision: Double
    /// Mean Hit@1 over videos.
    public var hitAtOne: Double
    /// Mean PERR over videos.
    public var precisionAtEqualRecallRate: Double
    /// AP of each class from the top-k triplets; nil for classes with no labels in the set.
    public var perClassAveragePrecision: [Double?]
}
