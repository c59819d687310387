/// The 2019 segment challenge's metric, mAP@K over classes, as the starter's
/// `segment_eval_inference.py` computes it from a submission:
///
/// - per class, its ranked segments are cut at K (`--top_n`; 100,000 on
///   Kaggle), then only segments rated for that class are kept, in order;
/// - the class's AP is `(1/P) Σ_{i positive} (positives among ranks 1…i) / i`
///   over that filtered list, with P every positive rating of the class in
///   the ground truth (also those never ranked), and 0 when P is 0;
/// - the mAP is the mean over the classes the ranking holds (restricted to
///   `ratedClasses` when given: the whitelist of rated classes).
///
/// Where the starter stops with a `KeyError` (a ranked class with no
/// positive rating) this counts the class with AP 0 and lists it in
/// ``Result/classesWithoutPositives``; rated classes absent from the
/// ranking are not averaged, as in the starter, and are listed in
/// ``Result/missingClasses`` so a partial submission cannot pass unnoticed.
public enum SegmentMeanAveragePrecision {
    /// The Kaggle cut-off.
    public static let kaggleTopN = 100_000

    /// The metric and what went into it.
    public struct Result: Equatable, Sendable {
        /// The mean of ``averagePrecisions``.
        public var meanAveragePrecision: Double
        /// AP per averaged class.
        public var averagePrecisions: [Int: Double]
        /// Averaged classes without any positive rating (AP 0).
        public var classesWithoutPositives: [Int]
        /// Classes of `ratedClasses` the ranking does not hold (not averaged).
        public var missingClasses: [Int]
        /// The cut-off K.
        public var topN: Int?
    }

    /// mAP@`topN` of `ranking` against `ratings` (no cut-off when `topN` is nil).
    public static func compute(ranking: SegmentRanking, ratings: SegmentRatingSet, topN: Int? = kaggleTopN,
                               ratedClasses: Set<Int>? = nil) -> Result {
        precondition(topN.map { $0 > 0 } ?? true, "SegmentMeanAveragePrecision: topN must be positive, got \(topN!)")
        var averagePrecisions: [Int: Double] = [:]
        var withoutPositives: [Int] = []
        for (c, segments) in ranking.segmentsByClass where ratedClasses?.contains(c) ?? true {
            let total = ratings.positives[c] ?? 0
            guard total > 0 else {
                averagePrecisions[c] = 0
                withoutPositives.append(c)
                continue
            }
            var rank = 0, found = 0
            var sum = 0.0
            for id in segments.prefix(topN ?? segments.count) {
                guard let positive = ratings.rating(segmentID: id, classIndex: c) else { continue }
                rank += 1
                if positive {
                    found += 1
                    sum += Double(found) / Double(rank)
                }
            }
            averagePrecisions[c] = sum / Double(total)
        }
        // Summed in class order, so the last bits do not depend on hashing.
        let sum = averagePrecisions.keys.sorted().reduce(0.0) { $0 + averagePrecisions[$1]! }
        let mean = averagePrecisions.isEmpty ? 0 : sum / Double(averagePrecisions.count)
        let missing = (ratedClasses ?? []).filter { ranking.segmentsByClass[$0] == nil }.sorted()
        return Result(meanAveragePrecision: mean, averagePrecisions: averagePrecisions,
                      classesWithoutPositives: withoutPositives.sorted(), missingClasses: missing, topN: topN)
    }
}
