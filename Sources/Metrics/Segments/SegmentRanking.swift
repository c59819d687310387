/// Per class, segment ids best first: what a 2019 submission holds
/// (`Class,Segments` rows) and what ``SegmentMeanAveragePrecision`` scores.
public struct SegmentRanking: Equatable, Sendable {
    /// Segment ids per class, most confident first.
    public var segmentsByClass: [Int: [String]]

    /// A ranking of the given lists; empty by default.
    public init(segmentsByClass: [Int: [String]] = [:]) {
        self.segmentsByClass = segmentsByClass
    }

    /// The starter's `inference.py --segment_labels` ranking from per-segment
    /// scores: each segment takes part in its `classesPerSegment` best
    /// classes among `ratedClasses` (all classes when nil), and each class
    /// keeps its `segmentsPerClass` most confident segments (the starter's
    /// `segment_max_pred`). Equal scores rank by class index within a
    /// segment and by segment id within a class, so the result does not
    /// depend on the order segments arrive in.
    public struct Builder: Sendable {
        /// The classes a segment may be ranked for; nil for every class.
        public let ratedClasses: Set<Int>?
        /// How many of its best classes each segment takes part in.
        public let classesPerSegment: Int
        /// How many segments each class keeps, most confident first.
        public let segmentsPerClass: Int
        private var candidates: [Int: [(score: Float, segmentID: String)]] = [:]

        /// An empty builder. The defaults are the starter's: a segment's 20 best
        /// classes, and up to 100,000 segments per class (`segment_max_pred`);
        /// both counts must be positive.
        public init(ratedClasses: Set<Int>? = nil, classesPerSegment: Int = 20, segmentsPerClass: Int = 100_000) {
            precondition(classesPerSegment > 0 && segmentsPerClass > 0,
                         "SegmentRanking.Builder: classesPerSegment \(classesPerSegment) and segmentsPerClass \(segmentsPerClass) must be positive")
            self.ratedClasses = ratedClasses
            self.classesPerSegment = classesPerSegment
            self.segmentsPerClass = segmentsPerClass
        }

        /// Adds one segment's scores, one per class index.
        public mutating func add(segmentID: String, scores: [Float]) {
            var pairs: [ClassScore] = []
            pairs.reserveCapacity(ratedClasses?.count ?? scores.count)
            for (c, s) in scores.enumerated() where ratedClasses?.contains(c) ?? true {
                pairs.append(ClassScore(classIndex: c, score: s))
            }
            for best in TopKSelection.select(pairs, k: classesPerSegment) {
                candidates[best.classIndex, default: []].append((best.score, segmentID))
                // Keep memory bounded by twice the cap: prune when the list doubles.
                if candidates[best.classIndex]!.count >= 2 * segmentsPerClass { prune(best.classIndex) }
            }
        }

        private static func ranksBefore(_ a: (score: Float, segmentID: String), _ b: (score: Float, segmentID: String)) -> Bool {
            a.score > b.score || (a.score == b.score && a.segmentID < b.segmentID)
        }

        private mutating func prune(_ c: Int) {
            candidates[c]!.sort(by: Self.ranksBefore)
            candidates[c]!.removeLast(candidates[c]!.count - min(candidates[c]!.count, segmentsPerClass))
        }

        /// The ranking of the segments added so far.
        public func ranking() -> SegmentRanking {
            var result: [Int: [String]] = [:]
            for (c, list) in candidates {
                result[c] = list.sorted(by: Self.ranksBefore).prefix(segmentsPerClass).map(\.segmentID)
            }
            return SegmentRanking(segmentsByClass: result)
        }
    }
}
